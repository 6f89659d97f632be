// Placeholder: the page engineer replaces this file.
"use strict";
