# bash completion for nsmatrix                                -*- shell-script -*-
# Installed as share/bash-completion/completions/nsmatrix; source it by hand
# elsewhere. Options per command as `nsmatrix COMMAND --help` lists them (a
# test checks that the two agree); values where the set is fixed; the shipped
# scenarios as the nsmatrix being completed lists them.

_nsmatrix_options() {
  case "$1" in
    run)
      echo "--help --scenario --combos --probes --userns-map --rootfs --propagation"
      echo "--time-ns-via --runtime --jobs --timeout-ms --probe-binary"
      echo "--json --markdown --html --junit --out --no-progress" ;;
    report)
      echo "--help --baseline --compare --json --markdown --html --junit --out" ;;
    gate)
      echo "--help --baseline --allow --json --markdown --html" ;;
    kernel)
      echo "--help --config --json --color --no-unprivileged" ;;
    vm)
      echo "--help --kernel --config --modules --module --no-modules --memory --cpus --accel"
      echo "--qemu --busybox --append --boot-timeout --timeout --no-progress"
      echo "--scenario --combos --probes --userns-map --propagation --time-ns-via --jobs"
      echo "--timeout-ms --json --markdown --html --junit --out" ;;
    bench)
      echo "--help --from --out --markdown --html --json --compare --threshold" ;;
  esac
}

# The shipped scenario names, from `nsmatrix run --help` ("a shipped name (a, b)").
_nsmatrix_scenarios() {
  "$1" run --help 2>/dev/null | sed -n 's/.*a shipped name (\([^)]*\)).*/\1/p' | tr -d ','
}

# The item after the last ',' or '+' of a list ("none,mnt+p" -> "none,mnt+pid");
# after a '+', only names ($3), not `all` or `none`.
_nsmatrix_list_item() {
  local head="" tail=$1 words=$2 item
  if [[ $1 == *[,+]* ]]; then
    head=${1%[,+]*}
    head=${1:0:${#head}+1}
    tail=${1:${#head}}
    [[ $head == *+ && -n $3 ]] && words=$3
  fi
  COMPREPLY=()
  for item in $(compgen -W "$words" -- "$tail"); do COMPREPLY+=("$head$item"); done
  compopt -o nospace 2>/dev/null
}

# Files (and directories to descend into), quoted as file names; with a
# suffix ($2), only files with it.
_nsmatrix_files() {
  local IFS=$'\n'
  if [[ -n $2 ]]; then
    COMPREPLY+=($(compgen -d -- "$1") $(compgen -f -X "!*$2" -- "$1"))
  else
    COMPREPLY+=($(compgen -f -- "$1"))
  fi
  compopt -o filenames 2>/dev/null
}

_nsmatrix() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  local program=${COMP_WORDS[0]} command="" i
  COMPREPLY=()
  # --option=value: bash splits at '=' (COMP_WORDBREAKS).
  if [[ $cur == = ]]; then
    prev=${COMP_WORDS[COMP_CWORD-1]} cur=""
  elif [[ $prev == = ]]; then
    prev=${COMP_WORDS[COMP_CWORD-2]}
  fi
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "${COMP_WORDS[i]}" in
      run|report|gate|kernel|vm|bench) command=${COMP_WORDS[i]}; break ;;
      --) return 0 ;;
    esac
  done
  if [[ -z $command ]]; then
    COMPREPLY=($(compgen -W "run report gate bench kernel vm --help --version" -- "$cur"))
    return 0
  fi
  # After `nsmatrix bench --`: Google Benchmark's own flags, not ours.
  for ((i = i + 1; i < COMP_CWORD; i++)); do
    [[ ${COMP_WORDS[i]} == -- ]] && return 0
  done
  case "$prev" in
    --runtime) COMPREPLY=($(compgen -W "native unshare bwrap runc crun nspawn" -- "$cur")); return 0 ;;
    --userns-map) COMPREPLY=($(compgen -W "unprivileged root" -- "$cur")); return 0 ;;
    --propagation) COMPREPLY=($(compgen -W "private slave shared unchanged" -- "$cur")); return 0 ;;
    --time-ns-via) COMPREPLY=($(compgen -W "unshare clone3" -- "$cur")); return 0 ;;
    --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return 0 ;;
    --accel) COMPREPLY=($(compgen -W "auto kvm tcg" -- "$cur")); return 0 ;;
    --combos)
      _nsmatrix_list_item "$cur" "all none mnt uts ipc net pid user cgroup time" \
        "mnt uts ipc net pid user cgroup time"
      return 0 ;;
    --probes)
      _nsmatrix_list_item "$cur" "all ns. pid. escape. uts. ipc. net. mnt. user. cgroup. time."
      return 0 ;;
    --scenario)
      COMPREPLY=($(compgen -W "$(_nsmatrix_scenarios "$program")" -- "$cur"))
      _nsmatrix_files "$cur" .toml
      return 0 ;;
    --rootfs)
      COMPREPLY=($(compgen -W "host" -- "$cur"))
      local IFS=$'\n'
      COMPREPLY+=($(compgen -d -- "$cur"))
      compopt -o filenames 2>/dev/null
      return 0 ;;
    --out|--modules)
      local IFS=$'\n'
      COMPREPLY=($(compgen -d -- "$cur"))
      compopt -o filenames 2>/dev/null
      return 0 ;;
    --json|--markdown|--html|--junit|--baseline|--compare|--allow|--from|--config|--kernel| \
    --probe-binary|--qemu|--busybox)
      _nsmatrix_files "$cur"; return 0 ;;
    --jobs|-j|--timeout-ms|--memory|--cpus|--boot-timeout|--timeout|--threshold|--module|--append)
      return 0 ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_nsmatrix_options "$command")" -- "$cur"))
  else
    _nsmatrix_files "$cur"  # report's and gate's matrices
  fi
  return 0
}

complete -F _nsmatrix nsmatrix
