#!/usr/bin/env bash
# Captures the console screens in screenshots/ from `hassou demo` in tmux, waiting for text on
# the screen, never for a fixed time:
# - text captures (80×24, NO_COLOR): the list, the pending filter, a dry run, the confirmation,
#   a finished sync, the edit form, the detail, the log tab, a command error, the help, and an
#   alert arriving in the sandbox's sinks (demo --trouble);
# - PNG images in colour (80×24 and 120×40, Japanese, and 80×24 English): each store tab (the
#   demo has three: shopify, outlet and colorme), the
#   log tab, the help, the confirmation and a running sync, rendered by render.py.
# Usage: screenshots/capture.sh   (builds the release binary; installs the fonts and Pillow
# render.py needs when they are missing)
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
# below_header: the pane without its first line (the clock there changes every second).
below_header() { tmux capture-pane -p -t "$s" | tail -n +2; }
# wait_other BEFORE: until the pane below the header differs from BEFORE (30 s at most).
wait_other() {
  for _ in $(seq 300); do
    [ "$(below_header)" != "$1" ] && return 0
    sleep 0.1
  done
  echo "capture.sh: the screen never changed" >&2
  exit 1
}
start() {
  tmux kill-session -t "$s" 2>/dev/null || true
  tmux new-session -d -s "$s" -x 80 -y 24 "NO_COLOR=1 $bin demo --lang $1 ${2:-}"
}
# start_colour LANG W H: the demo in colour with enough orders for a sync to be seen running.
start_colour() {
  tmux kill-session -t "$s" 2>/dev/null || true
  tmux new-session -d -s "$s" -x "$2" -y "$3" "$bin demo --lang $1 --orders 4000"
}
# png NAME TEXT W H: waits for TEXT, then renders the pane in colour to screenshots/NAME.png.
png() {
  wait_for "$2"
  tmux capture-pane -e -p -t "$s" > "$tmp/$1.ansi"
  python3 screenshots/render.py "$tmp/$1.ansi" "screenshots/$1.png" "$3" "$4"
}
# png_set LANG W H: the colour screens of one language and size.
png_set() {
  local lang=$1 w=$2 h=$3 n="png-$1-$2x$3"
  if [ "$lang" = ja ]; then
    local list="注文番号" colorme="出荷日で配送済み" log="追従中" help="ヘルプ" pending="1未送信"
    local confirm="送信しますか" running="[更新中" ask="止めますか" done="更新完了"
  else
    local list="why / what is sent" colorme="delivered needs" log="following" help="The list" pending="pending    tracking"
    local confirm="Send to Shopify?" running="[syncing" ask="after the order in flight" done="sync done"
  fi
  start_colour "$lang" "$w" "$h"
  png "$n-shopify" "$list" "$w" "$h"
  # The demo's second Shopify store, outlet (issue 22): its own tab.
  local before; before=$(below_header)
  keys Tab; wait_other "$before"; png "$n-outlet" "$list" "$w" "$h"
  keys Tab; png "$n-colorme" "$colorme" "$w" "$h"
  keys Tab; png "$n-log" "$log" "$w" "$h"
  keys Tab; wait_for "$list"
  keys '?'; png "$n-help" "$help" "$w" "$h"
  keys Escape; wait_for "$list"
  keys 1; wait_for "$pending"
  keys s; png "$n-confirm" "$confirm" "$w" "$h"
  keys y; png "$n-running" "$running" "$w" "$h"
  keys x; wait_for "$ask"; keys y; wait_for "$done"
  keys q
  while tmux has-session -t "$s" 2>/dev/null; do sleep 0.1; done
}
tmp=$(mktemp -d)
python3 -c "import PIL" 2>/dev/null || pip install -q pillow
[ -f /usr/share/fonts/opentype/ipafont-gothic/ipag.ttf ] || apt-get install -y -qq fonts-ipafont-gothic
trap 'tmux kill-session -t "$s" 2>/dev/null || true; rm -rf "${tmp:-}"' EXIT

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
keys ':'; keys "tab colorme" Enter; wait_for "20000"; shot console-colorme-en "delivered needs"
keys Tab; shot console-log-en "following"
keys ':'; keys "period 30" Enter; shot console-command-error-en "1 to 13"
keys Escape; keys Tab
keys '?'; shot console-help-en "help"
keys q; wait_for "#1001"; keys q
# An alert arriving in the sandbox's sinks (demo --trouble: one order on hold at the store).
start en --trouble
wait_for "#1001"
keys 1; wait_for "1pending"
keys s; wait_for "Send to Shopify?"
keys y; shot console-alert-en "alert sent (mail"
keys q
while tmux has-session -t "$s" 2>/dev/null; do sleep 0.1; done
rm -f screenshots/png-*.png
png_set ja 80 24
png_set ja 120 40
png_set en 80 24
echo "screenshots/: $(ls screenshots/console-*.txt | wc -l) text captures, $(ls screenshots/*.png | wc -l) PNG images"
