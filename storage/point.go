package storage

import (
	"bytes"
	"hash/maphash"
	"sync"
)

// pointIndex speeds up point lookups: a hash of the key -> slot map in
// front of the primary btree. A btree search over a million keys costs
// about twenty dependent cache misses; this costs two or three.
//
// It is a cache, never the source of truth: an entry is trusted only after
// the slot's newest version is found to carry the same key (every version
// of a key carries the key), and a miss falls back to the btree. So hash
// collisions are harmless: the second key of a colliding pair simply is
// not cached. Entries are added and removed under the table lock together
// with the btree; a reader holds an epoch guard, so a slot it finds cannot
// be reused for another key while it looks.
type pointIndex struct {
	seed   maphash.Seed
	shards [pointShards]pointShard
}

const pointShards = 64

type pointShard struct {
	mu sync.RWMutex
	m  map[uint64]SlotID
	_  [24]byte
}

func (p *pointIndex) init() {
	p.seed = maphash.MakeSeed()
	for i := range p.shards {
		p.shards[i].m = map[uint64]SlotID{}
	}
}

func (p *pointIndex) shard(h uint64) *pointShard { return &p.shards[h%pointShards] }

func (p *pointIndex) lookup(t *Table, key []byte) (SlotID, bool) {
	h := maphash.Bytes(p.seed, key)
	sh := p.shard(h)
	sh.mu.RLock()
	s, ok := sh.m[h]
	sh.mu.RUnlock()
	if !ok {
		return 0, false
	}
	head := t.Head(s)
	if head == 0 || !bytes.Equal(t.store.log.Record(head).Key(), key) {
		return 0, false
	}
	return s, true
}

// add caches key -> s unless another key with the same hash is cached.
func (p *pointIndex) add(key []byte, s SlotID) {
	h := maphash.Bytes(p.seed, key)
	sh := p.shard(h)
	sh.mu.Lock()
	if _, taken := sh.m[h]; !taken {
		sh.m[h] = s
	}
	sh.mu.Unlock()
}

// remove drops key's entry if it names slot s.
func (p *pointIndex) remove(key []byte, s SlotID) {
	h := maphash.Bytes(p.seed, key)
	sh := p.shard(h)
	sh.mu.Lock()
	if cur, ok := sh.m[h]; ok && cur == s {
		delete(sh.m, h)
	}
	sh.mu.Unlock()
}
