#!/bin/sh
# demo job (make run): the execns demo, if installed.
if [ -x /bin/execns-demo ]; then
	/bin/execns-demo
else
	echo "The execns demo is not installed (no /bin/execns-demo in the initramfs)."
	echo "Kernel: $(uname -a)"
fi
