package domain

// CatalogAction is what a catalogue import does to one entry.
type CatalogAction string

// The actions. An entry a catalogue file leaves out is left alone: removal
// is always asked for.
const (
	CatalogAdded   = CatalogAction("add")
	CatalogChanged = CatalogAction("change")
	CatalogRemoved = CatalogAction("remove")
)

// Catalogue entry kinds, named as a catalogue file's lists.
const (
	KindAgencies   = "agencies"
	KindRegions    = "regions"
	KindIndicators = "indicators"
	KindPlans      = "plans"
)

// CatalogChange is one change a catalogue import makes: Old is the entry
// as stored (nil when added), New as it will be (nil when removed); both
// are an Agency, Region, Indicator or Plan, by Kind.
type CatalogChange struct {
	Kind   string        `json:"kind"`
	Code   string        `json:"code"`
	Action CatalogAction `json:"action"`
	Old    any           `json:"old,omitempty"`
	New    any           `json:"new,omitempty"`
}
