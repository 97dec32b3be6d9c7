"""Record linkage: find people registered twice. No Django here.

Public API
----------
- `Record(record_id, given_name, family_name, sex, date_of_birth, dob_precision,
  place_of_origin, phone, household_ref, document_number)`: one registration; every field but
  record_id may be blank. `Record.from_mapping(dict)` builds one from a dict.
- `link(records, *, other=None, threshold=0.9, review_threshold=0.5, min_pairwise=0.05,
  max_block=100, progress=None) -> Result`: deduplicate `records` (Records, dicts or a polars
  DataFrame with those columns), or link them to `other`. `Result.cluster_ids[i]` is the person
  of `Result.record_ids[i]` (singletons included); `Result.pairs` holds every pair scored at
  least `review_threshold`, best first, as `Pair(record_id_l, record_id_r, probability,
  match_weight, evidence, linked)`; `evidence` is one `Evidence(comparison, level, weight)` per
  comparison (plus the name-frequency adjustment) — what a review queue shows.
- `DeskIndex.build(records) -> DeskIndex`; `index.check(person, top=20) -> list[Match]`
  (`Match(record_id, probability, match_weight, evidence)`); `index.add(record)`.
- `dedupe_file(source, out, *, pairs_out=None, threshold=0.9, mapping=None)`: the
  `edgecamp dedupe` command's work on CSV files.
- `pair_members(scores, minimum) -> [(row, column)]`: the one-to-one pairing of two
  households' members that maximises the total score (the family review's proposal).
- Normalisation helpers: `fold`, `name_tokens`, `phonetic_key`, `name_key`, `phone_key`,
  `parse_date`.

Method
------
1. Normalisation (`normalise`): NFKC, case folding, transliteration to ASCII (the original
   is kept for display); the Arabic article (Al-, El, joined or apart), connectors (bin,
   binti, ibn) and Abd-/Abu compounds in all their spellings reduced to one form; words
   compared as sorted sets; a consonant-skeleton phonetic key for transliterated names
   (Mohammed, Muhammad, Mohamed, Mohamad, Mahamat, Maxamed → "mhmt"; Mahmoud → "mmt").
2. Blocking (`blocking.RULES`): rules of a name part with a second field (birth year, exact
   date, phone, place, sex), the document number and each of its halves (a number with one
   slip keeps a half), and the full name alone; unioned. A key held by more than `max_block`
   records (or the rule's own lower cap: 30 for the two broad rules, 8 for the name alone) is
   skipped for that rule. Families register again as families: once the model is trained,
   two households with one pair across them scored ≥ 0.99, or two pairs ≥ 0.5, are compared
   member by member.
3. Comparisons (`model.COMPARISONS`) with levels: given and family name (exact, phonetic,
   reordered between given and family — also given against family with a slip —, close —
   Jaro-Winkler ≥ 0.88 or one edit —, first word, different); date of birth aware of
   precision (exact, day/month swapped, one part different, same year when either is an
   estimate, within 2 years, different); sex; phone (last 8 digits: same, ≤ 2 digits
   different); place of origin; household (same household, and for different households how
   many of their other members match); document number (same, one slip — a character
   mistyped, added, dropped or two swapped —, different).
4. Fellegi-Sunter scoring. u from 400 000 random pairs, each counted by its probability of
   being two people under a first model (a small file full of duplicates holds matches among
   its random pairs); u of the household levels is counted, not sampled. m by EM in sessions,
   as Splink does (each session blocks on one rule and learns the comparisons that rule does
   not fix; a session whose rule finds no pairs, or a comparison blank in all of them, is
   skipped). In the same-phone session the wrong pairs are relatives, so u of given and family
   name, date and sex comes from pairs of one household (known to be two people) there.
   Term-frequency adjustment on names: agreement on a common name counts less; for two
   records from the same place of origin, a name common or rare *there* (each community has
   its own names). Surname, phone, origin and household are one piece of evidence (the
   strongest, plus every disagreement): siblings agree on all of them. Two records of one
   household get a fixed -20 bits: never merged unless everything else agrees.
5. Clustering (`cluster`): connected components of pairs ≥ threshold; a component of three or
   more must have every member pair supported, else it is rebuilt along its strongest edges,
   merging only parts that are pairwise supported (no chaining). A pair is supported when its
   own evidence without the prior gives it at least `min_pairwise` (with households, the
   person-level evidence only: relatives share surname, phone and origin), or when the two
   records carry the same document number.
"""

from edgecamp.linkage.desk import DeskIndex
from edgecamp.linkage.engine import (
    DEFAULT_MIN_PAIRWISE,
    DEFAULT_REVIEW_THRESHOLD,
    DEFAULT_THRESHOLD,
    Model,
    link,
)
from edgecamp.linkage.files import DedupeFileError, DedupeSummary, dedupe_file, read_records
from edgecamp.linkage.households import pair_members
from edgecamp.linkage.model import (
    COMPARISONS,
    Comparison,
    Evidence,
    LinkageInputError,
    Match,
    Pair,
    Parameters,
    Record,
    Result,
)
from edgecamp.linkage.normalise import (
    fold,
    name_key,
    name_tokens,
    parse_date,
    phone_key,
    phonetic_key,
)

__all__ = [
    "COMPARISONS",
    "DEFAULT_MIN_PAIRWISE",
    "DEFAULT_REVIEW_THRESHOLD",
    "DEFAULT_THRESHOLD",
    "Comparison",
    "DedupeFileError",
    "DedupeSummary",
    "DeskIndex",
    "Evidence",
    "LinkageInputError",
    "Match",
    "Model",
    "Pair",
    "Parameters",
    "Record",
    "Result",
    "dedupe_file",
    "fold",
    "link",
    "name_key",
    "name_tokens",
    "pair_members",
    "parse_date",
    "phone_key",
    "phonetic_key",
    "read_records",
]
