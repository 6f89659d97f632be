#!/usr/bin/env python3
"""Build data/drugs.txt from the DrugBank-derived name list (run by hand when the list changes).

usage: make-drugs.py ../../../../shared/data/drugs/drug_names_drugbank.tsv \
                     ../../../../shared/data/names/english_words_common.txt > drugs.txt

Keeps canonical generic names of one to three words made of letters (research codes with digits
are dropped), at least five letters long, that are not common English words or foods (the
conflict-of-interest rule needs medicines, not "honey" or "water").
"""
import sys

NOT_MEDICINES = set("""
avocado bean beeswax cashew catfish cocoa cotton fennel gelatin ginseng honey hops kale lamb lentil
lobster oyster peach pecan poultry pumpkin rhubarb rice sage shrimp sorghum thyme tuna vanilla water
wheat whey yeast oregano clove myrrh soot amber glucose sucrose lactose maltose fructose oxygen
helium neon xenon ozone nitrogen silver copper cobalt cadmium iron boron silicon iodine calcium
sodium potassium magnesium chloride ethanol alcohol urea talc kaolin rosin ether phenol nitrate
nitrite acetate cocaine heroin opium cannabis tobacco nicotine caffeine coffee banana apple orange
lemon garlic ginger turmeric onion tomato carrot potato almond walnut peanut hazelnut milk egg cheese
butter chicken pork beef salmon cod crab mussel sesame soybean soy mustard celery barley oat rye corn
maize pollen grass dust mould mold latex nickel chromium gold zinc mercury lead arsenic platinum
tin aluminium aluminum gallium lithium
""".split())

KEEP = {"aspirin", "morphine", "quinine", "amphetamine"}

def main():
    drugs, common = sys.argv[1], sys.argv[2]
    words = {w.strip().lower() for w in open(common, encoding="utf-8")}
    out = set()
    for i, line in enumerate(open(drugs, encoding="utf-8")):
        if i == 0:
            continue
        name = line.split("\t")[0].strip().lower()
        parts = name.split()
        if not 1 <= len(parts) <= 3:
            continue
        if not all(p.replace("-", "").isalpha() and p.isascii() for p in parts):
            continue
        if len(name.replace(" ", "")) < 5 or name in NOT_MEDICINES or (name in words and name not in KEEP):
            continue
        if len(parts) == 1 and parts[0] in NOT_MEDICINES:
            continue
        out.add(name)
    sys.stdout.write("".join(f"{n}\n" for n in sorted(out)))

main()
