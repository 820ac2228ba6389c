// Command persiandb is the PersianDB server and its operator tools.
//
//	persiandb serve [flags]   run the server (see `persiandb serve --help`)
//	persiandb version         print the version
package main

import (
	"fmt"
	"os"
)

const version = "0.1.0-dev"

const usage = `usage: persiandb <command> [flags]

commands:
  serve     run the server (persiandb serve --help lists its flags)
  version   print the version
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	switch os.Args[1] {
	case "serve":
		os.Exit(serve(os.Args[2:]))
	case "version", "--version", "-v":
		fmt.Println("persiandb", version)
	case "help", "--help", "-h":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "persiandb: unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
}
