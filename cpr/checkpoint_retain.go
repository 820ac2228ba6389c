package cpr

import (
	"errors"
	"io/fs"
	"sort"
	"strings"
)

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// retain applies the retention policy after full checkpoint newest's
// manifest became durable: it keeps the Keep newest chains (a full
// checkpoint's manifest, its segments and its delta log) and removes
// everything else the checkpointer owns in the directory: older manifests
// (each before its segments and delta log, so a crash in between leaves
// orphan files, never a manifest without its segments), segments and
// delta logs no kept chain owns (a failed or crashed attempt's), and temp
// manifests.
// Files of ids above newest are left alone (there should be none). Errors
// are logged: the checkpoint is durable regardless, and the next one
// retries. The caller holds run.
func (c *Checkpointer) retain(newest uint64) {
	names, err := c.fs.ReadDir(c.opts.Dir)
	if err != nil {
		c.log.Warn().Err(err).Msg("retention: cannot list the checkpoint directory")
		return
	}
	var manifests []uint64
	for _, n := range names {
		if id, ok := ParseManifestName(n); ok && id <= newest {
			manifests = append(manifests, id)
		}
	}
	sort.Slice(manifests, func(i, j int) bool { return manifests[i] > manifests[j] })
	kept := map[uint64]bool{}
	keptSegs := map[string]bool{}
	for i, id := range manifests {
		if i < c.opts.Keep {
			kept[id] = true
			// A kept manifest keeps the segments it names (normally its
			// own ids' segments; reading it tells for sure).
			if b, err := c.fs.ReadFile(c.path(ManifestName(id))); err == nil {
				if mf, err := DecodeManifest(b); err == nil {
					for _, s := range mf.Segments {
						keptSegs[s.Name] = true
					}
				}
			}
			continue
		}
		c.remove(ManifestName(id))
	}
	for _, n := range names {
		switch id, _, ok := ParseSegmentName(n); {
		case ok && id <= newest && !kept[id] && !keptSegs[n]:
			c.remove(n)
		case strings.HasPrefix(n, "ckpt-"):
			if id, ok := ParseDeltaLogName(n); ok && id <= newest && !kept[id] {
				c.remove(n)
			}
		case strings.HasSuffix(n, TempSuffix):
			if id, ok := ParseManifestName(strings.TrimSuffix(n, TempSuffix)); ok && id <= newest {
				c.remove(n)
			}
		}
	}
}

func (c *Checkpointer) remove(name string) {
	if err := c.fs.Remove(c.path(name)); err != nil && !isNotExist(err) {
		c.log.Warn().Err(err).Str("file", name).Msg("retention: cannot remove")
		return
	}
	c.log.Debug().Str("file", name).Msg("retention: removed")
}
