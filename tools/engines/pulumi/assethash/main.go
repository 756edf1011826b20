// Command assethash prints the hash the Pulumi engine computes for each asset or archive it reads,
// one JSON object per line on stdin (as a stack export stores them, without "hash"). The tests
// compare it with the hashes the offline plan's recorder writes (tools/offline/recorder.ts).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/asset"
)

func hash(obj map[string]any) (string, error) {
	if a, ok, err := asset.Deserialize(obj); err != nil || ok {
		if err != nil {
			return "", err
		}
		a.Hash = ""
		err = a.EnsureHash()
		return a.Hash, err
	}
	a, ok, err := archive.Deserialize(obj)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("not an asset or archive")
	}
	a.Hash = ""
	err = a.EnsureHash()
	return a.Hash, err
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	for in.Scan() {
		var obj map[string]any
		if err := json.Unmarshal(in.Bytes(), &obj); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		h, err := hash(obj)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(h)
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
