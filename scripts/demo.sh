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
echo "== jobs now (first 5 of hpc2n), and one job's history with its sources"
"${jt[@]}" jobs --cluster hpc2n --limit 5
"${jt[@]}" audit 12 --cluster hpc2n
echo "== the same job as of a past moment"
"${jt[@]}" as-of 2002-08-01T06:09:50Z history 12 --cluster hpc2n
echo "== its original record, byte for byte, and core-hours by user"
"${jt[@]}" record 12 --cluster hpc2n --raw
"${jt[@]}" usage --by user --cluster hpc2n | head -6
echo "== the log and its indexes agree, and the projections equal a rebuild from the log"
"${jt[@]}" verify-log
"${jt[@]}" verify
