#!/usr/bin/env bash
# Captures the console screens in screenshots/ from `hassou demo` in an 80×24 tmux pane: the
# list, the pending filter, a dry run, the confirmation of a sync, a running and a finished sync,
# the edit form, the detail and the help, in Japanese and English. Waits for text on the screen,
# never for a fixed time.
# Usage: screenshots/capture.sh   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/hassou
s=hassou-shots

keys() { tmux send-keys -t "$s" "$@"; }
# wait_for TEXT: until the pane shows TEXT (30 s at most).
wait_for() {
  for _ in $(seq 300); do
    tmux capture-pane -p -t "$s" | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  echo "capture.sh: \"$1\" never showed" >&2
  tmux capture-pane -p -t "$s" >&2
  exit 1
}
shot() { wait_for "$2"; tmux capture-pane -p -t "$s" > "screenshots/$1.txt"; }
start() {
  tmux kill-session -t "$s" 2>/dev/null || true
  tmux new-session -d -s "$s" -x 80 -y 24 "NO_COLOR=1 $bin demo --lang $1"
}
trap 'tmux kill-session -t "$s" 2>/dev/null || true' EXIT

rm -f screenshots/console-*.txt

start ja
shot console-list-ja "#1001"
keys 1; shot console-pending-ja "1未送信"
keys d; shot console-dry-run-ja "何も送っていません"
keys s; shot console-confirm-ja "送信しますか"
keys n; wait_for "取り消しました"
keys 0; wait_for "5対象外"
keys e; wait_for "を編集"; keys C-u "4444-1375-8704" Tab t; shot console-edit-ja "注意"
keys Escape; wait_for "破棄しますか"; keys y; wait_for "送信履歴"
keys Escape; wait_for "#1001"
keys '?'; shot console-help-ja "ヘルプ"
keys q; wait_for "#1001"; keys q
start en
wait_for "#1001"
keys 1; wait_for "1pending"
keys s; shot console-confirm-en "Send to Shopify?"
keys y; shot console-sync-done-en "sync done"
keys 0; wait_for "#1001"; keys Enter; shot console-detail-en "audit trail"
keys r; shot console-detail-read-en "read from the store"
keys Escape; wait_for "#1001"
keys Tab; wait_for "20000"; shot console-colorme-en "delivered needs"
keys Tab; shot console-log-en "following"
keys ':'; keys "period 30" Enter; shot console-command-error-en "1 to 13"
keys Escape; keys Tab
keys '?'; shot console-help-en "help"
keys q; wait_for "#1001"; keys q
echo "screenshots/: $(ls screenshots/console-*.txt | wc -l) captures"
