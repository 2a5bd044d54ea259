/**
 * The shell scripts `completion bash|zsh|fish|powershell` prints. Each is a
 * thin shell: it hands the words being typed to `etcdctl-ts __complete`
 * (reply.ts describes the exchange) and gives the shell what comes back, so
 * that what the tree offers is known in one place (offer.ts). The program
 * called is the one the user typed (its first word), or etcdctl-ts when that
 * is not a command.
 */
import type { Shell } from './reply.js';

const PROGRAM = 'etcdctl-ts';

const BASH = `# bash completion for ${PROGRAM}
#
# Load it with:  source <(${PROGRAM} completion bash)
# It asks ${PROGRAM} itself what to offer: \`${PROGRAM} __complete bash\` gets
# COMP_WORDBREAKS and the line up to the cursor, and answers with a first line
# (":values", or ":files" / ":dirs" with what to complete file names from)
# followed by one replacement per line.

_etcdctl_ts() {
    local prog=\${COMP_WORDS[0]} out kind rest lead name line
    [[ $prog == '~/'* ]] && prog=$HOME/\${prog:2}
    type -P "$prog" >/dev/null 2>&1 || prog=${PROGRAM}
    COMPREPLY=()
    out=$("$prog" __complete bash "$COMP_WORDBREAKS" "\${COMP_LINE:0:COMP_POINT}" 2>/dev/null) || return 0
    kind=\${out%%$'\\n'*}
    case $kind in
    :files$'\\t'* | :dirs$'\\t'*)
        rest=\${kind#*$'\\t'}
        lead=\${rest%%$'\\t'*}
        name=\${rest#*$'\\t'}
        compopt -o filenames 2>/dev/null
        if [[ $kind == :dirs* ]]; then
            while IFS= read -r line; do COMPREPLY+=("$lead$line"); done < <(compgen -d -- "$name")
        else
            while IFS= read -r line; do COMPREPLY+=("$lead$line"); done < <(compgen -f -- "$name")
        fi
        ;;
    :values)
        [[ $out == *$'\\n'* ]] || return 0
        while IFS= read -r line; do
            [[ -n $line ]] && COMPREPLY+=("$line")
        done <<<"\${out#*$'\\n'}"
        ;;
    esac
    return 0
}

complete -F _etcdctl_ts ${PROGRAM}
`;

const ZSH = `#compdef ${PROGRAM}
# zsh completion for ${PROGRAM}
#
# Load it with:  source <(${PROGRAM} completion zsh)   (after compinit)
# or save it as _${PROGRAM} in a directory of $fpath.
# It asks ${PROGRAM} itself what to offer: \`${PROGRAM} __complete zsh\` gets the
# words before the cursor and the word at it, and answers with a first line
# (":values", or ":files" / ":dirs" with what to complete file names from)
# followed by one candidate per line, a tab before its description.

_${PROGRAM}() {
    local prog=\${words[1]} out kind rest lead line
    local -a lines vals descs disp
    local -i width=0 i
    [[ $prog == '~/'* ]] && prog=$HOME/\${prog#'~/'}
    (( $+commands[$prog] )) || [[ -x $prog ]] || prog=${PROGRAM}
    out=$("$prog" __complete zsh "\${(@)words[2,CURRENT-1]}" "$PREFIX" 2>/dev/null) || return 1
    lines=("\${(@f)out}")
    kind=\${lines[1]}
    case $kind in
    (:files$'\\t'*|:dirs$'\\t'*)
        rest=\${kind#*$'\\t'}
        lead=\${rest%%$'\\t'*}
        # As compset -P would: the lead (say --cacert=) is not part of the file name.
        if [[ -n $lead && $PREFIX == "$lead"* ]]; then
            IPREFIX+=$lead
            PREFIX=\${PREFIX#"$lead"}
        fi
        if [[ $kind == :dirs* ]]; then
            _files -/
        else
            _files
        fi
        return
        ;;
    (:values) ;;
    (*) return 1 ;;
    esac
    for line in "\${(@)lines[2,-1]}"; do
        [[ -z $line ]] && continue
        vals+=("\${line%%$'\\t'*}")
        if [[ $line == *$'\\t'* ]]; then descs+=("\${line#*$'\\t'}"); else descs+=(''); fi
        (( \${#vals[-1]} > width )) && width=\${#vals[-1]}
    done
    (( \${#vals} )) || return 1
    if (( ! \${#\${(@)descs:#}} )); then
        compadd -- "\${vals[@]}"
        return
    fi
    # One per line, the descriptions in a column.
    for (( i = 1; i <= \${#vals}; i++ )); do
        if [[ -n \${descs[i]} ]]; then disp+=("\${(r:width:)vals[i]}  -- \${descs[i]}"); else disp+=("\${vals[i]}"); fi
    done
    compadd -l -d disp -- "\${vals[@]}"
}

if [[ \${funcstack[1]} == _${PROGRAM} ]]; then
    _${PROGRAM} "$@"
elif (( $+functions[compdef] )); then
    compdef _${PROGRAM} ${PROGRAM}
fi
`;

const FISH = `# fish completion for ${PROGRAM}
#
# Load it with:  ${PROGRAM} completion fish | source
# It asks ${PROGRAM} itself what to offer: \`${PROGRAM} __complete fish\` gets the
# words before the cursor and the word at it, and answers with a first line
# (":values", or ":files" / ":dirs" with what to complete file names from)
# followed by one candidate per line, a tab before its description.

function __etcdctl_ts_complete
    set -l words (commandline -opc)
    set -l prog $words[1]
    set -e words[1]
    string match -q -- '~/*' $prog; and set prog $HOME/(string sub -s 3 -- $prog)
    command -q -- $prog; or set prog ${PROGRAM}
    set -l out ($prog __complete fish $words (commandline -ct) 2>/dev/null); or return
    set -l kind (string split -- \\t $out[1])
    set -e out[1]
    switch $kind[1]
        case :files
            for f in (__fish_complete_path $kind[3])
                printf '%s%s\\n' $kind[2] $f
            end
        case :dirs
            for f in (__fish_complete_directories $kind[3])
                printf '%s%s\\n' $kind[2] $f
            end
        case :values
            printf '%s\\n' $out
    end
end

complete -c ${PROGRAM} -f -a '(__etcdctl_ts_complete)'
`;

const POWERSHELL = `# powershell completion for ${PROGRAM}
#
# Load it with:  ${PROGRAM} completion powershell | Out-String | Invoke-Expression
# It asks ${PROGRAM} itself what to offer: \`${PROGRAM} __complete powershell\` gets
# the words before the cursor and, after a ':', the word at it, and answers with
# a first line (":values", or ":files" / ":dirs" when file names are wanted,
# which PowerShell completes by itself) followed by one candidate per line, a
# tab before its description.

Register-ArgumentCompleter -Native -CommandName '${PROGRAM}' -ScriptBlock {
    param($WordToComplete, $CommandAst, $CursorPosition)
    $elements = @($CommandAst.CommandElements)
    $prog = $elements[0].Extent.Text
    if (-not (Get-Command -Name $prog -CommandType Application -ErrorAction SilentlyContinue)) { $prog = '${PROGRAM}' }
    $words = @()
    for ($i = 1; $i -lt $elements.Count; $i++) {
        $extent = $elements[$i].Extent
        if ($extent.EndOffset -gt $CursorPosition) { break }
        if ($extent.EndOffset -eq $CursorPosition -and $WordToComplete -ne '') { break }
        $words += $extent.Text
    }
    $out = @(& $prog __complete powershell @words ":$WordToComplete" 2>$null)
    if ($out.Count -eq 0 -or $out[0] -ne ':values') { return }
    $out | Select-Object -Skip 1 | Where-Object { $_ -ne '' } | ForEach-Object {
        $value, $description = $_ -split "\`t", 2
        if (-not $description) { $description = $value }
        $text = $value
        if ($text -match '[\\s''"\`$;|&(){}@,#<>]') { $text = "'" + ($text -replace "'", "''") + "'" }
        [System.Management.Automation.CompletionResult]::new($text, $value, 'ParameterValue', $description)
    }
}
`;

/** The completion script for `shell`. */
export function completionScript(shell: Shell): string {
  switch (shell) {
    case 'bash':
      return BASH;
    case 'zsh':
      return ZSH;
    case 'fish':
      return FISH;
    case 'powershell':
      return POWERSHELL;
  }
}
