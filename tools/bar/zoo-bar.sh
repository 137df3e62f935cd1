#!/usr/bin/env bash
# The search bar on the zoo (issue 5): `evolve search`'s winner against every baseline, on held-out data.
#
#   tools/bar/zoo-bar.sh [OUT_DIR]
#
# Environment: SPACE (default search-spaces/zoo.yaml), SEEDS (default "1 2 3"), BUDGET (default 300),
# OPTIMIZERS (default "ga random"), JOBS (search runs at once, default 1), EVOLVE (the command, default ./evolve;
# e.g. "dotnet /tmp/evolve-bin/Evolve.Cli.dll" to run a copied build while this worktree rebuilds),
# DENSITIES / WEIGHTS (the TIES grid, default "0.2 0.4 0.6 0.8" / "0.4 0.6 0.8 1.0").
#
# Baselines: each specialist, the uniform average (linear, equal weights), and the best point of a TIES grid
# (density x weight, normalize false as in the space) chosen on the SEARCH split. Searches: one run per optimizer and
# seed with the candidate budget; its winner is the hall of fame's rank 1 (best search fitness). Every held-out
# number comes from `evolve score --space SPACE --heldout` (a winner's with its run's --seed, which draws DARE masks),
# so winners and baselines are scored alike; the search's own held-out re-score is kept beside it as a cross-check. Nothing here looks at held-out data to choose.
# Re-running with the same OUT_DIR skips finished search runs and resumes interrupted ones (`evolve search --resume`).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
space="${SPACE:-search-spaces/zoo.yaml}"
seeds="${SEEDS:-1 2 3}"
budget="${BUDGET:-300}"
optimizers="${OPTIMIZERS:-ga random}"
jobs="${JOBS:-1}"
densities="${DENSITIES:-0.2 0.4 0.6 0.8}"
weights="${WEIGHTS:-0.4 0.6 0.8 1.0}"
out="${1:-runs/bar-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$out/recipes" "$out/runs"
out="$(cd "$out" && pwd)"
EVOLVE="${EVOLVE:-$root/evolve}"
read -ra evolve <<< "$EVOLVE"
"${evolve[@]}" --version >/dev/null   # builds once, before runs share the binary
space="$(realpath "$space")"
space_dir="$(dirname "$space")"
base="$(cd "$space_dir" && realpath "$(sed -n 's/^base: *//p' "$space")")"
mapfile -t models < <(sed -n 's/^models: *\[\(.*\)\]/\1/p' "$space" | tr ',' '\n' | sed 's/^ *//; s/ *$//' | while read -r m; do (cd "$space_dir" && realpath "$m"); done)
dtype="$(sed -n 's/^dtype: *//p' "$space")"
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

recipe() { # recipe FILE METHOD PARAMS_PER_MODEL GLOBAL_PARAMS
  {
    echo "merge_method: $2"
    [ "$2" = linear ] || echo "base_model: $base"
    echo "models:"
    for m in "${models[@]}"; do echo "  - model: $m"; echo "    parameters: $3"; done
    [ -n "$4" ] && echo "parameters: $4"
    [ -n "$dtype" ] && echo "dtype: $dtype"
  } > "$1"
}

# 1. The searches (the long part), one per optimizer and seed.
search_one() {
  local optimizer="$1" seed="$2" id="$1-s$2"
  local folder="$out/runs/$id" evolve
  read -ra evolve <<< "$EVOLVE"
  if [ -f "$out/$id.txt" ] && grep -q '^stopped: evaluated the budget' "$out/$id.txt"; then return 0; fi
  local started=$SECONDS
  if [ -f "$folder/run.db" ]; then
    log "resuming $id"
    "${evolve[@]}" search --resume "$folder" > "$out/$id.txt" 2> "$out/$id.log"
  else
    log "searching $id: budget $budget"
    "${evolve[@]}" search "$space" --seed "$seed" --optimizer "$optimizer" --budget "$budget" --runs "$out/runs" --run-id "$id" > "$out/$id.txt" 2> "$out/$id.log"
  fi
  log "$id done in $((SECONDS - started)) s"
}
export -f search_one log
export out EVOLVE space budget
for seed in $seeds; do for optimizer in $optimizers; do echo "$optimizer $seed"; done; done |
  xargs -P "$jobs" -L 1 bash -c 'search_one "$0" "$1"'

# 2. The TIES grid on the search split; its best point goes on to held-out.
grid=()
for d in $densities; do for w in $weights; do
  f="$out/recipes/ties-d$d-w$w.yaml"
  recipe "$f" ties "{weight: $w, density: $d}" "{normalize: false}"
  grid+=("$f")
done; done
# Scorings are kept with the list of what they scored, and redone only when that list changes.
score_once() { # score_once NAME SCORE_ARGS... -- MODELS...
  local name="$1"; shift
  local list; list="$(printf '%s\n' "$@")"
  if [ -s "$out/$name.json" ] && [ "$(cat "$out/$name.args" 2>/dev/null)" = "$list" ]; then return 0; fi
  local args=() 
  while [ "$1" != -- ]; do args+=("$1"); shift; done; shift
  "${evolve[@]}" score --space "$space" --json "${args[@]}" "$@" > "$out/$name.json" 2> "$out/$name.log"
  printf '%s' "$list" > "$out/$name.args"
}
log "scoring the TIES grid (${#grid[@]} points) on the search split"
score_once ties-grid-search -- "${grid[@]}"
ties_best="$(jq -r 'max_by(.fitness.estimate) | .model' "$out/ties-grid-search.json")"
recipe "$out/recipes/uniform.yaml" linear "{weight: 1.0}" ""

# 3. Everything on held-out. A winner is scored with its run's seed: the seed draws DARE masks, so a dare_ties recipe
# is only the run's model under that seed (baselines hold no random masks).
rows=(); labels=(); parts=()
for m in "${models[@]}"; do rows+=("$m"); labels+=("specialist $(basename "$m")"); done
rows+=("$out/recipes/uniform.yaml"); labels+=("uniform average")
rows+=("$ties_best"); labels+=("TIES grid best ($(basename "$ties_best" .yaml | sed 's/^ties-//'), chosen on search)")
log "scoring the baselines on the held-out split"
score_once heldout-baselines --heldout -- "${rows[@]}"
parts+=("$out/heldout-baselines.json")
for optimizer in $optimizers; do for seed in $seeds; do
  winner="$out/runs/$optimizer-s$seed/best/rank-1.yaml"
  [ -f "$winner" ] && grep -q '^stopped: evaluated the budget' "$out/$optimizer-s$seed.txt" || continue
  rows+=("$winner"); labels+=("search $optimizer seed $seed")
  log "scoring the winner of $optimizer-s$seed on the held-out split"
  score_once "heldout-$optimizer-s$seed" --heldout --seed "$seed" -- "$winner"
  parts+=("$out/heldout-$optimizer-s$seed.json")
done; done
jq -s 'add' "${parts[@]}" > "$out/heldout.json"

# 4. One table. A search's winner must beat every fixed baseline (specialists, uniform average, TIES grid best) and,
# for an optimizer other than random, random search's winner of the same seed. Its margin over the best fixed baseline
# is given with a paired 95% interval over the same held-out items (per task, normal approximation, tasks combined
# with their fitness weights).
f4() { [ -n "$1" ] && printf '%.4f' "$1" || true; }
baselines=$(( ${#models[@]} + 2 ))
best_index="$(jq -r --argjson n "$baselines" '[.[:$n][] | .fitness.estimate] | to_entries | max_by(.value) | .key' "$out/heldout.json")"
best_baseline="$(jq -r --argjson i "$best_index" '.[$i].fitness.estimate' "$out/heldout.json")"
paired='
  def items(m): [m.tasks[] | {task, weight, items: [.items[] | {key: .id, value: .score}] | from_entries}];
  (items(.[$b]) | map({key: .task, value: .}) | from_entries) as $base
  | [items(.[$i])[] | . as $t | [$t.items | to_entries[] | .value - $base[$t.task].items[.key]] as $d
      | ($d | add / length) as $m
      | {w: $t.weight, m: $m, v: (([$d[] | (. - $m) * (. - $m)] | add / (length - 1)) / ($d | length))}] as $tasks
  | ($tasks | map(.w) | add) as $W
  | ($tasks | map(.w * .m) | add / $W) as $diff
  | ($tasks | map(.w * .w * .v) | add / ($W * $W) | sqrt) as $se
  | "\($diff) \($diff - 1.96 * $se) \($diff + 1.96 * $se)"'
{
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "model" "search fitness" "held-out [95% CI]" "search's own held-out" "minus best fixed baseline [paired 95% CI]" "beats every baseline"
  for i in "${!rows[@]}"; do
    read -r est low high < <(jq -r --argjson i "$i" '.[$i].fitness | "\(.estimate) \(.low) \(.high)"' "$out/heldout.json")
    searchfit=""; own=""; beats=""; margin=""
    case "${labels[$i]}" in
      search*)
        read -r _ optimizer _ seed <<< "${labels[$i]}"
        id="$optimizer-s$seed"
        # The hall-of-fame table `evolve search` prints: rank candidate search [low, high] held-out [low, high] gap.
        searchfit="$(awk '$1 == "1" && $5 ~ /\]$/ {print $3}' "$out/$id.txt" | head -1)"
        own="$(awk '$1 == "1" && $5 ~ /\]$/ {print $6}' "$out/$id.txt" | head -1)"
        read -r d dlow dhigh < <(jq -r --argjson i "$i" --argjson b "$best_index" "$paired" "$out/heldout.json")
        margin="$(f4 "$d") [$(f4 "$dlow"), $(f4 "$dhigh")]"
        bar="$best_baseline"
        for j in "${!rows[@]}"; do
          if [ "$optimizer" != random ] && [ "${labels[$j]}" = "search random seed $seed" ]; then
            bar="$(jq -r --argjson j "$j" --argjson b "$bar" '[.[$j].fitness.estimate, $b] | max' "$out/heldout.json")"
          fi
        done
        beats="$(jq -rn --argjson a "$est" --argjson b "$bar" 'if $a > $b then "yes" else "no" end')";;
      "TIES grid"*)
        searchfit="$(jq -r --arg m "$ties_best" '.[] | select(.model == $m) | .fitness.estimate' "$out/ties-grid-search.json")";;
    esac
    printf '%s\t%s\t%s [%s, %s]\t%s\t%s\t%s\n' "${labels[$i]}" "$(f4 "$searchfit")" "$(f4 "$est")" "$(f4 "$low")" "$(f4 "$high")" "$(f4 "$own")" "$margin" "$beats"
  done
  for optimizer in $optimizers; do
    read -r n mean sd min max < <(jq -r --arg o "$optimizer" --argjson n "$baselines" '
      [.[$n:][] | select(.model | test("/runs/" + $o + "-s[0-9]+/")) | .fitness.estimate] as $v
      | ($v | length) as $k | if $k == 0 then "0 0 0 0 0" else
        ($v | add / $k) as $m
        | (if $k > 1 then ([$v[] | (. - $m) * (. - $m)] | add / ($k - 1) | sqrt) else 0 end) as $sd
        | "\($k) \($m) \($sd) \($v | min) \($v | max)" end' "$out/heldout.json")
    [ "$n" = 0 ] && continue
    printf '%s\t\t%s\t\t%s\t\n' "search $optimizer: spread over $n seed(s)" \
      "mean $(f4 "$mean"), sd $(f4 "$sd"), min $(f4 "$min"), max $(f4 "$max")" "best fixed baseline: ${labels[$best_index]} $(f4 "$best_baseline")"
  done
} > "$out/table.tsv"
column -t -s $'\t' "$out/table.tsv"
log "outputs in $out (table.tsv, heldout.json, ties-grid-search.json, runs/)"
