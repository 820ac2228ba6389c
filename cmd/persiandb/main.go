// Command persiandb is the PersianDB server. Only `persiandb version`
// exists so far: the server (`persiandb serve`) arrives with the wire
// protocol.
package main

import (
	"fmt"
	"os"
)

const version = "0.1.0-dev"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "version" {
		fmt.Println("persiandb", version)
		return
	}
	fmt.Fprintln(os.Stderr, "usage: persiandb version\n(the server, `persiandb serve`, is not built yet)")
	os.Exit(2)
}
