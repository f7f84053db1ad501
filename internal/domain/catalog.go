package domain

// Catalog is the reference data an import is validated against: indicators,
// regions with the BPS code bridge, plans and agencies, indexed for lookup.
type Catalog struct {
	Indicators map[string]Indicator
	Regions    map[string]Region
	// BPS maps every known BPS code (old ones too) to its Kemendagri code.
	BPS      map[string]string
	Plans    map[string]Plan
	Agencies map[string]Agency
}

// NewCatalog indexes the given lists.
func NewCatalog(inds []Indicator, regions []Region, bps map[string]string, plans []Plan, agencies []Agency) *Catalog {
	c := &Catalog{
		Indicators: make(map[string]Indicator, len(inds)),
		Regions:    make(map[string]Region, len(regions)),
		BPS:        make(map[string]string, len(bps)),
		Plans:      make(map[string]Plan, len(plans)),
		Agencies:   make(map[string]Agency, len(agencies)),
	}
	for _, ind := range inds {
		c.Indicators[ind.Code] = ind
	}
	for _, r := range regions {
		c.Regions[r.Code] = r
		if r.BPSCode != "" {
			c.BPS[r.BPSCode] = r.Code
		}
	}
	for k, v := range bps {
		c.BPS[k] = v
	}
	for _, p := range plans {
		c.Plans[p.Code] = p
	}
	for _, a := range agencies {
		c.Agencies[a.Code] = a
	}
	return c
}

// RegionByCode finds a region by Kemendagri code or, through the bridge, by
// BPS code.
func (c *Catalog) RegionByCode(code string) (Region, bool) {
	if r, ok := c.Regions[code]; ok {
		return r, true
	}
	if k, ok := c.BPS[code]; ok {
		r, ok := c.Regions[k]
		return r, ok
	}
	return Region{}, false
}
