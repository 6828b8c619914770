#!/bin/sh
# shell job (make shell): an interactive shell on the serial console.
echo "Interactive shell on the serial console. Leave with 'exit' (or Ctrl-D): the VM powers off."
setsid cttyhack sh -l
