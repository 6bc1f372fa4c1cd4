# bash completion for schedscope
_schedscope() {
	local cur prev cmd opts i
	local cmds="top count preempt migrations probes cpus runqlat runqslower syscount starve inversion trace record report timehist export exporter opensnoop execsnoop exitsnoop"
	local analyses="top cpus runqlat runqslower info"
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	cmd=${COMP_WORDS[1]}
	if ((COMP_CWORD == 1)); then
		mapfile -t COMPREPLY < <(compgen -W "$cmds help --version --help" -- "$cur")
		return
	fi
	if [[ $cmd == help ]]; then
		((COMP_CWORD == 2)) && mapfile -t COMPREPLY < <(compgen -W "$cmds" -- "$cur")
		return
	fi
	# report -i FILE ANALYSIS [options]: after its name, the analysis's options.
	if [[ $cmd == report ]]; then
		for ((i = 2; i < COMP_CWORD; i++)); do
			[[ ${COMP_WORDS[i - 1]} == -i || ${COMP_WORDS[i - 1]} == --input ]] && continue
			[[ " $analyses " == *" ${COMP_WORDS[i]} "* ]] && cmd="report ${COMP_WORDS[i]}" && break
		done
		if [[ $cmd == report && $cur != -* && $prev != -i && $prev != --input ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$analyses" -- "$cur")
			return
		fi
	fi
	case $prev in
	--by) mapfile -t COMPREPLY < <(compgen -W "pid tid comm" -- "$cur"); return ;;
	--from) mapfile -t COMPREPLY < <(compgen -W "wakeup waking" -- "$cur"); return ;;
	--format) mapfile -t COMPREPLY < <(compgen -W "systrace chrome-json" -- "$cur"); return ;;
	# opensnoop's -f names an open flag; elsewhere it is --force, and options follow.
	-f | --flag)
		if [[ $cmd == opensnoop ]]; then
			mapfile -t COMPREPLY < <(compgen -W "O_WRONLY O_RDWR O_CREAT O_EXCL O_NOCTTY O_TRUNC O_APPEND O_NONBLOCK O_DSYNC O_DIRECT O_LARGEFILE O_DIRECTORY O_NOFOLLOW O_NOATIME O_CLOEXEC O_SYNC O_PATH O_TMPFILE" -- "$cur")
			return
		fi ;;
	# execsnoop's and exitsnoop's -t is a timestamp, not a TID; execsnoop's -l a text.
	-t) [[ $cmd == execsnoop || $cmd == exitsnoop ]] || return ;;
	-l) [[ $cmd == execsnoop ]] && return ;;
	--path) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
	-u | --uid | --name | --line | --max-args | --short) return ;;
	-e | --errno | --events)
		# opensnoop's -e is a flag: its options follow.
		if [[ $cmd == syscount ]]; then
			mapfile -t COMPREPLY < <(compgen -W "EPERM ENOENT EINTR EIO EBADF EAGAIN ENOMEM EACCES EFAULT EEXIST ENOTDIR EISDIR EINVAL EMFILE ENOSPC EPIPE ERANGE ENOSYS ETIMEDOUT ECONNREFUSED" -- "$cur")
			return
		elif [[ $cmd == count ]]; then
			mapfile -t COMPREPLY < <(compgen -W "on-cpu off-cpu remain-cpu enqueue dequeue wakeup sleep preempt change-pri lend-pri load-change tick surrender" -- "$cur")
			return
		elif [[ $cmd != opensnoop ]]; then
			# trace and record: the kinds, and the DTrace probes (the bare wakeup is the kind).
			mapfile -t COMPREPLY < <(compgen -W "switch waking wakeup new migrate fork exec exit prio rename all default on-cpu off-cpu remain-cpu enqueue dequeue sched:::wakeup sleep preempt change-pri lend-pri load-change tick surrender" -- "$cur")
			return
		fi ;;
	# syscount's -i is bcc's interval, a number; elsewhere -i is --input and -T a flag.
	-i | --interval | -T | --top | --slower | --buffer-kb)
		[[ ($prev == -i || $prev == -T) && $cmd != syscount ]] || return ;;&
	-i | --input | -o | --output) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
	-s | --sort)
		mapfile -t COMPREPLY < <(compgen -W "cpu pid tid comm vcsw ivcsw wakeups migr runq runqmax" -- "$cur")
		return ;;
	# runqlat's --cpu takes no value (a histogram per CPU); elsewhere it names a CPU.
	-C | --cpu) [[ $cmd == runqlat || $cmd == "report runqlat" ]] || return ;;
	-p | --pid | --tid | -c | --comm | -n | --rows | -d | --duration | --max-tasks | --max-keys | --by | --threshold | --buffer)
		return ;;
	--listen | --cgroup-depth | --cgroup-include | --cgroup-exclude | --max-series | --cgroup-expiry)
		return ;;
	--cgroup-root) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
	esac
	case $cmd in
	top) opts="--pid --tid --comm --cpu --sort --rows --by --idle --max-tasks --duration --timestamp --json --verbose --help" ;;
	count) opts="--pid --tid --comm --cpu --rows --by --duration --timestamp --json --events --max-keys --verbose --help" ;;
	probes) opts="--json --verbose --help" ;;
	migrations) opts="--pid --tid --comm --rows --by --duration --timestamp --json --max-keys --verbose --help" ;;
	preempt) opts="--pid --tid --comm --cpu --rows --by --duration --timestamp --json --max-keys --verbose --help" ;;
	cpus) opts="--cpu --duration --timestamp --json --verbose --help" ;;
	runqlat) opts="--pid --tid --comm --max-tasks --duration --timestamp --json --milliseconds --pids --tids --cpu --from --split --verbose --help" ;;
	runqslower) opts="--pid --tid --comm --duration --json --previous --verbose --help" ;;
	syscount) opts="--pid --tid --comm --duration --json --milliseconds --max-keys --top --interval --failures --errno --latency --process --list --hist --slower --buffer-kb --verbose --help" ;;
	starve) opts="--pid --tid --comm --duration --json --threshold --verbose --help" ;;
	inversion) opts="--duration --json --threshold --verbose --help" ;;
	trace) opts="--pid --tid --comm --cpu --duration --json --events --buffer --verbose --help" ;;
	record) opts="--pid --tid --comm --cpu --duration --events --output --force --buffer --verbose --help" ;;
	report) opts="--input --verbose --help" ;;
	timehist) opts="--pid --tid --comm --cpu --json --input --wakeups --migrations --verbose --help" ;;
	export) opts="--output --input --force --format --verbose --help" ;;
	exporter) opts="--listen --cgroup-root --cgroup-depth --cgroup-include --cgroup-exclude --max-series --cgroup-expiry --max-tasks --duration --verbose --help" ;;
	opensnoop) opts="--pid --tid --comm --duration --timestamp --json --max-keys --buffer --uid --name --failed --extended-fields --flag --full-path --print-uid --path --count --per-process --rw --verbose --help" ;;
	execsnoop) opts="--pid --comm --duration --json --max-keys --buffer --uid --name --failed --print-uid --count --time --timestamp --quote --line --max-args --verbose --help" ;;
	exitsnoop) opts="--pid --comm --duration --json --max-keys --buffer --uid --name --failed --count --timestamp --threaded --short --verbose --help" ;;
	"report top") opts="--pid --tid --comm --sort --rows --by --idle --max-tasks --timestamp --json --verbose --help" ;;
	"report cpus") opts="--cpu --timestamp --json --verbose --help" ;;
	"report runqlat") opts="--pid --tid --comm --max-tasks --timestamp --json --milliseconds --pids --tids --cpu --split --verbose --help" ;;
	"report runqslower") opts="--pid --tid --comm --json --previous --verbose --help" ;;
	"report info") opts="--verbose --help" ;;
	*) opts= ;;
	esac
	mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
}
complete -F _schedscope schedscope
