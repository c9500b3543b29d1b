#!/usr/bin/env bash
# jobtrail's main job on the bundled real data: import real workload traces into a local
# RocksDB folder (./jobtrail-data unless JOBTRAIL_DB is set), then show what is in the log.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
db="${JOBTRAIL_DB:-./jobtrail-data}"
jt=(./build/jobtrail --db "$db")

echo "== importing real traces into $db"
"${jt[@]}" ingest swf data/swf/alea-hpc2n-excerpt.swf --cluster hpc2n
"${jt[@]}" ingest swf data/swf/KTH-SP2-1996-2.1-cln.swf.gz --cluster kth-sp2
"${jt[@]}" ingest swf data/swf/alea-wagap-2013.ext-swf.gz --cluster wagap
echo "== importing the same trace again appends nothing"
"${jt[@]}" ingest swf data/swf/alea-hpc2n-excerpt.swf --cluster hpc2n
echo "== the first events of the log"
"${jt[@]}" log --limit 8
echo "== what the log holds"
"${jt[@]}" stats
echo "== lines that did not parse, and why"
"${jt[@]}" quarantine --limit 5
echo "== the log and its indexes agree"
"${jt[@]}" verify-log
