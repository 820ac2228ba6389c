// Command persiandb is the PersianDB server and its operator tools.
//
//	persiandb serve [flags]   run the server (see `persiandb serve --help`)
//	persiandb checkpoint ...  list, verify and inspect checkpoints offline
//	persiandb version         print the version
package main

import (
	"fmt"
	"io"
	"os"
)

const version = "0.1.0-dev"

const usage = `usage: persiandb <command> [flags]

commands:
  serve       run the server (persiandb serve --help lists its flags)
  checkpoint  list, verify or inspect a data directory's checkpoints
              (persiandb checkpoint help)
  version     print the version
`

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

// dispatch runs the command args (os.Args without the program name) and
// returns the exit status.
func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) < 1 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(args[1:])
	case "checkpoint":
		return checkpointCmd(args[1:], stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "persiandb", version)
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "persiandb: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	return 0
}
