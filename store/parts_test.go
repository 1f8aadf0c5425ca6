package store

import (
	"slices"
	"testing"
)

// A transaction's touched groups keep their order and the union of the
// parts each changed, below and past the size where an index is built.
func TestTouchPartUnion(t *testing.T) {
	for _, n := range []int{1, 3, 32, 100} {
		tx := &Tx{}
		for i := range n {
			tx.touchPart(int64(i+1), PartReceipts)
		}
		for i := range n {
			tx.touchPart(int64(i+1), PartParticipants)
		}
		tx.touch(1)
		got := tx.TouchedParts()
		if len(got) != n {
			t.Fatalf("%d groups: %d touched", n, len(got))
		}
		for i, g := range got {
			want := PartReceipts | PartParticipants
			if i == 0 {
				want = AllParts
			}
			if g.Group != int64(i+1) || g.Parts != want {
				t.Fatalf("%d groups: #%d is %+v, want group %d parts %b", n, i, g, i+1, want)
			}
		}
		ids := tx.Touched()
		if len(ids) != n || !slices.IsSorted(ids) {
			t.Fatalf("%d groups: Touched %v", n, ids)
		}
	}
}
