//! clinpost server (work in progress).
