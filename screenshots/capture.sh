#!/usr/bin/env bash
# Captures the console screens in screenshots/ from `hassou demo` in an 80×24 tmux pane.
# Usage: screenshots/capture.sh   (after cargo build --release)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/hassou
s=hassou-shots
shot() { sleep "${2:-1}"; tmux capture-pane -p -t "$s" > "screenshots/$1.txt"; }
keys() { tmux send-keys -t "$s" "$@"; }
tmux kill-session -t "$s" 2>/dev/null || true

tmux new-session -d -s "$s" -x 80 -y 24 "NO_COLOR=1 $bin demo --lang ja"
shot console-list-ja 4
keys 1; shot console-pending-ja
keys d; shot console-dry-run-ja 2
keys 0 3; sleep 1; keys e; sleep 1; keys C-u "4444-1375-8703" Tab C-u "2026-11-24"; shot console-edit-ja
keys Enter; shot console-saved-ja 12
keys Escape; sleep 1; keys Escape; sleep 1; keys o; shot console-settings-ja
keys q; sleep 1; keys q
tmux kill-session -t "$s" 2>/dev/null || true

tmux new-session -d -s "$s" -x 80 -y 24 "NO_COLOR=1 $bin demo --lang en"
sleep 4; keys 1; sleep 1; keys s; shot console-sync-now-en 3
keys 2; sleep 1; keys Enter; shot console-detail-en 2
keys Escape; sleep 1; keys '?'; shot console-help-en
keys q; sleep 1; keys q
tmux kill-session -t "$s" 2>/dev/null || true
