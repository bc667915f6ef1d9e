#!/usr/bin/env bash
# Makes the README's screenshots from real runs of iamscope on the demo account: each scene
# starts the built binary in tmux, types the keys a person would, captures the screen with
# its colours (capture-pane -e) and draws it as SVG (./ansi2svg). Run it from anywhere after
# the UI changes; it needs tmux and Go.
#
#   screenshots/make.sh            # writes screenshots/*.svg
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command -v tmux >/dev/null || { echo "make.sh: tmux is needed (apt-get install tmux)" >&2; exit 1; }
work=$(mktemp -d)
scene=0
socket="iamscope-shots-$$-0"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/iamscope" .
go build -o "$work/ansi2svg" ./screenshots/ansi2svg

cols=132 rows=38

# start runs the explorer in a fresh tmux server of its own, in the theme named (dark unless
# given).
start() {
  theme=${1:-dark}
  tmux -L "$socket" kill-server 2>/dev/null || true
  scene=$((scene + 1))
  socket="iamscope-shots-$$-$scene"
  tmux -L "$socket" new-session -d -s shot -x "$cols" -y "$rows" \
    "env -i HOME=$work PATH=$PATH TERM=xterm-256color COLORTERM=truecolor XDG_CONFIG_HOME=$work/config $work/iamscope --theme $theme"
  wait_for "Principals"
}

# keys sends keys one at a time (as tmux names them), letting the screen settle between.
keys() {
  for k in "$@"; do
    tmux -L "$socket" send-keys -t shot "$k"
    sleep 0.15
  done
}

# type_text types text literally.
type_text() { tmux -L "$socket" send-keys -t shot -l "$1"; sleep 0.2; }

# wait_for waits until the screen shows the text.
wait_for() {
  for _ in $(seq 100); do
    if tmux -L "$socket" capture-pane -p -t shot | grep -qF -- "$1"; then sleep 0.3; return; fi
    sleep 0.1
  done
  echo "make.sh: the screen never showed: $1" >&2
  tmux -L "$socket" capture-pane -p -t shot >&2
  exit 1
}

# shot NAME CAPTION draws the screen to screenshots/NAME.svg, on the theme's background.
shot() {
  colours=()
  [[ $theme == light ]] && colours=(-bg '#ffffff' -fg '#1f2328')
  tmux -L "$socket" capture-pane -p -e -t shot | "$work/ansi2svg" "${colours[@]}" -title "$2" > "screenshots/$1.svg"
  echo "screenshots/$1.svg"
}

# open_felix_s3 selects felix.brandt and opens his s3 access.
open_felix_s3() {
  keys /; type_text felix; keys Enter Enter
  wait_for "› user felix.brandt › iam"
  keys j j; wait_for "› user felix.brandt › s3"
  keys Space; wait_for "s3:GetObject"
}

# 1. The access tree of a finance user, with the context set, and why he can read payroll.
start
open_felix_s3
keys c m j j Enter C-u; type_text eu-west-1; keys Enter j Enter; type_text true; keys Enter
wait_for "TLS true"; keys Escape; sleep 0.3
keys j Space; wait_for "arn:aws:s3:::tidewater-payroll/*"
keys j; wait_for "Can felix.brandt do s3:GetObject"
shot access "felix.brandt's access to S3 with MFA, HTTPS and eu-west-1 set, and why he may read the payroll files"

# 2. The request context editor.
keys c; wait_for "Request context"
shot context "The request context: keys left open make decisions \"allowed if …\""
keys Escape; sleep 0.3

# 3. What-if: felix leaves the finance group; what he loses is marked.
keys w; wait_for "What-if"
keys Space; wait_for "removed"
keys Escape; sleep 0.3; wait_for "what-if"
keys g; wait_for "what-if: access gained and lost"
keys Space; wait_for "lost"
shot whatif "What-if: felix.brandt removed from the finance group — lost access marked −"

# 4. Who can read the payroll files, and through which roles.
start
keys ']'; wait_for "Resources"
keys /; type_text payroll; keys Enter Enter
wait_for "› s3 tidewater-payroll"
for _ in $(seq 60); do
  if tmux -L "$socket" capture-pane -p -t shot | grep -qF "› s3 tidewater-payroll › s3:GetObject"; then break; fi
  keys j
done
keys Space; wait_for "felix.brandt"
keys j; wait_for "Can "
shot who-can "Who can read the payroll bucket's objects: every party, with its conditions"

# 5. A developer's escalation path to admin, step by step.
start
keys /; type_text dana; keys Enter '[' '['
wait_for "Escalation paths"
keys Enter j j j Space; wait_for "iam:PassRole on"
keys j; wait_for "Can dana.whitfield do iam:PassRole"
shot paths "dana.whitfield's escalation paths: PassRole to an admin Lambda role, and why each step is allowed"

# 6. The command palette.
keys :; type_text "who-can kms:Decrypt"
shot palette "The command palette: jump to a principal, resource or action, or ask can / who-can"

# 7. Help for where the user is.
keys Escape; sleep 0.3
keys '?'; wait_for "Help:"
shot help "Help fits the pane: every binding of the tree, then moving, then everywhere"

# 8. The access tree filtered, in the light theme: two services opened, then only the rows
# that hold "get".
start light
keys /; type_text dana; keys Enter Enter
wait_for "› user dana.whitfield ›"
keys /; type_text s3; keys Enter Space; wait_for "s3:GetObject"
keys Escape; sleep 0.3
keys /; type_text iam; keys Enter Space; wait_for "iam:PassRole"
keys Escape; sleep 0.3
keys /; type_text get; keys Enter; wait_for "(esc clears)"
shot filter "The access tree filtered to the rows that hold \"get\", with their services (light theme)"

# 9. The guided tour: question 5 asked (Q 5), its answer pinned with the explanation, and the
# list of the questions open again over it.
start
keys Q; wait_for "Guided questions"
keys 5; wait_for "question 5 of "; wait_for "EXPLICITLY DENIED"
keys Q; wait_for "Guided questions"
shot tour "The guided tour: the questions of docs/demo-account.md, question 5 answered and pinned"

# 10. The Changes view: the demo compared with itself a week earlier; grace.mwangi joined the
# finance group, and her payroll read is explained now and before.
start
keys '['; wait_for "What changed"
keys /; type_text grace; keys Enter Enter
wait_for "Gained (8)"
keys /; type_text "payroll/"; keys Enter; wait_for "s3:PutObject"
keys j j j j j j Enter; wait_for "NOW (the later state)"
shot changes "What changed since last week: grace.mwangi gained the payroll files by joining finance, explained now and before"
