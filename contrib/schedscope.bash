# bash completion for schedscope
_schedscope() {
	local cur prev cmd opts
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	cmd=${COMP_WORDS[1]}
	if ((COMP_CWORD == 1)); then
		mapfile -t COMPREPLY < <(compgen -W "top cpus help --version --help" -- "$cur")
		return
	fi
	case $prev in
	--by) mapfile -t COMPREPLY < <(compgen -W "pid tid comm" -- "$cur"); return ;;
	-s | --sort)
		mapfile -t COMPREPLY < <(compgen -W "cpu pid tid comm vcsw ivcsw wakeups migr runq runqmax" -- "$cur")
		return ;;
	-p | --pid | -t | --tid | -c | --comm | -C | --cpu | -n | --rows | -d | --duration | --max-tasks)
		return ;;
	esac
	case $cmd in
	top) opts="--pid --tid --comm --cpu --sort --rows --by --idle --max-tasks --duration --timestamp --json --verbose --help" ;;
	cpus) opts="--cpu --duration --timestamp --json --verbose --help" ;;
	*) opts= ;;
	esac
	mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
}
complete -F _schedscope schedscope
