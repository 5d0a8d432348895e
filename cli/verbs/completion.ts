// `kubelite completion bash|zsh`: a shell script completing verbs, resource
// types, and object names (asked of the cluster with `get -o jsonpath`).
import type { Command } from 'commander';
import { RESOURCES } from '../../api/resources.js';
import { newVerb, verbAction, out } from './context.js';
import { CliError } from './errors.js';

/** Every name a resource type can be typed as, once each. */
export function resourceWords(): string[] {
  const words = new Set<string>(['all']);
  for (const r of RESOURCES) {
    words.add(r.resource);
    words.add(r.singular);
    for (const s of r.shortNames) words.add(s);
  }
  return [...words].sort();
}

export function bashCompletion(verbs: string[], resources: string[]): string {
  return `# bash completion for kubelite                             -*- shell-script -*-
# Load it with:  source <(kubelite completion bash)

__kubelite_verbs="${verbs.join(' ')}"
__kubelite_resources="${resources.join(' ')}"

__kubelite_names() {
    local type="$1" ns_args=()
    local i
    for ((i = 1; i < \${#COMP_WORDS[@]}; i++)); do
        case "\${COMP_WORDS[i]}" in
            -n|--namespace) ns_args=(-n "\${COMP_WORDS[i+1]}") ;;
            --namespace=*) ns_args=("\${COMP_WORDS[i]}") ;;
        esac
    done
    kubelite get "$type" "\${ns_args[@]}" -o 'jsonpath={.items[*].metadata.name}' 2>/dev/null
}

_kubelite() {
    local cur prev verb type
    COMPREPLY=()
    cur="\${COMP_WORDS[COMP_CWORD]}"
    prev="\${COMP_WORDS[COMP_CWORD-1]}"
    if [[ \${COMP_CWORD} -eq 1 ]]; then
        COMPREPLY=( $(compgen -W "\${__kubelite_verbs}" -- "\${cur}") )
        return 0
    fi
    case "\${prev}" in
        -n|--namespace)
            COMPREPLY=( $(compgen -W "$(__kubelite_names namespaces)" -- "\${cur}") )
            return 0 ;;
        -f|--filename|--kubeconfig)
            COMPREPLY=( $(compgen -f -- "\${cur}") )
            return 0 ;;
        --context)
            COMPREPLY=( $(compgen -W "$(kubelite config get-contexts -o name 2>/dev/null)" -- "\${cur}") )
            return 0 ;;
    esac
    if [[ "\${cur}" == -* ]]; then
        COMPREPLY=( $(compgen -W "$(kubelite \${COMP_WORDS[1]} --help 2>/dev/null | grep -oE -- '--[a-z][a-z-]*' | sort -u)" -- "\${cur}") )
        return 0
    fi
    verb="\${COMP_WORDS[1]}"
    case "\${verb}" in
        get|describe|delete|edit|label|annotate|scale|expose|autoscale|explain)
            local i words=()
            for ((i = 2; i < COMP_CWORD; i++)); do
                [[ "\${COMP_WORDS[i]}" != -* ]] && words+=("\${COMP_WORDS[i]}")
            done
            if [[ \${#words[@]} -eq 0 ]]; then
                if [[ "\${cur}" == */* ]]; then
                    type="\${cur%%/*}"
                    COMPREPLY=( $(compgen -P "\${type}/" -W "$(__kubelite_names "\${type}")" -- "\${cur#*/}") )
                else
                    COMPREPLY=( $(compgen -W "\${__kubelite_resources}" -- "\${cur}") )
                fi
            else
                COMPREPLY=( $(compgen -W "$(__kubelite_names "\${words[0]%%,*}")" -- "\${cur}") )
            fi ;;
        logs|exec|port-forward|attach)
            COMPREPLY=( $(compgen -W "$(__kubelite_names pods)" -- "\${cur}") ) ;;
        cordon|uncordon|drain)
            COMPREPLY=( $(compgen -W "$(__kubelite_names nodes)" -- "\${cur}") ) ;;
        rollout)
            if [[ \${COMP_CWORD} -eq 2 ]]; then
                COMPREPLY=( $(compgen -W "history pause restart resume status undo" -- "\${cur}") )
            else
                COMPREPLY=( $(compgen -W "deployments daemonsets statefulsets $(__kubelite_names deployments | sed 's|[^ ]*|deployment/&|g')" -- "\${cur}") )
            fi ;;
        config)
            COMPREPLY=( $(compgen -W "current-context get-clusters get-contexts get-users set-context use-context view" -- "\${cur}") ) ;;
        top)
            COMPREPLY=( $(compgen -W "nodes pods" -- "\${cur}") ) ;;
        create)
            COMPREPLY=( $(compgen -W "configmap deployment job namespace secret service serviceaccount" -- "\${cur}") ) ;;
        completion)
            COMPREPLY=( $(compgen -W "bash zsh" -- "\${cur}") ) ;;
    esac
    return 0
}

complete -o default -F _kubelite kubelite
`;
}

export function zshCompletion(verbs: string[], resources: string[]): string {
  return `#compdef kubelite
# zsh completion for kubelite. Load it with:  source <(kubelite completion zsh)
autoload -U +X bashcompinit && bashcompinit
autoload -U +X compinit && compinit
${bashCompletion(verbs, resources)}`;
}

export function registerCompletion(program: Command): void {
  newVerb(program, 'completion', 'Output shell completion code for the specified shell (bash or zsh)')
    .argument('<shell>', 'bash or zsh')
    .addHelpText('after', `
Examples:
  source <(kubelite completion bash)
  echo 'source <(kubelite completion bash)' >> ~/.bashrc
  source <(kubelite completion zsh)`)
    .action(verbAction(async (_ctx, args) => {
      const verbs = program.commands.map((c) => c.name()).sort();
      if (args[0] === 'bash') out(bashCompletion(verbs, resourceWords()));
      else if (args[0] === 'zsh') out(zshCompletion(verbs, resourceWords()));
      else throw new CliError(`Unsupported shell type "${args[0]}".`);
    }));
}
