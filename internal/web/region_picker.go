package web

import (
	"context"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/internal/chart"
	"pantau/internal/domain"
	"pantau/internal/locale"
	"pantau/internal/regionsearch"
	"pantau/internal/store"
)

// regionCache holds the instance's regions in memory (regionsearch.Index)
// for the region search, the picker and /api/v1/regions: rebuilt when
// this process writes regions (store.LocalRegionWrites), at once, or when
// store.RegionsVersion moves, which another process's catalogue import
// does, within regionsRecheck.
type regionCache struct {
	mu      sync.Mutex
	version string
	local   int64     // LocalRegionWrites when version was read
	checked time.Time // when version was read
	ix      *regionsearch.Index
}

// regionsRecheck is how long the regions held are used without asking
// the database whether another process changed them: a search does no
// I/O at all.
const regionsRecheck = time.Second

// regionIndex returns the current index of the stored regions, the
// instance's territory. Building it reads every region once (about 0.3 s
// at national scale); New builds it at start-up so no reader waits.
func (s *Server) regionIndex(ctx context.Context) (*regionsearch.Index, error) {
	local := s.store.LocalRegionWrites()
	s.regions.mu.Lock()
	if ix := s.regions.ix; ix != nil && s.regions.local == local && time.Since(s.regions.checked) < regionsRecheck {
		s.regions.mu.Unlock()
		return ix, nil
	}
	s.regions.mu.Unlock()
	v, err := s.store.RegionsVersion(ctx)
	if err != nil {
		return nil, err
	}
	s.regions.mu.Lock()
	defer s.regions.mu.Unlock()
	s.regions.checked, s.regions.local = time.Now(), local
	if s.regions.ix != nil && s.regions.version == v {
		return s.regions.ix, nil
	}
	all, err := s.store.Regions(ctx, store.RegionFilter{})
	if err != nil {
		return nil, err
	}
	s.regions.ix, s.regions.version = regionsearch.New(all), v
	return s.regions.ix, nil
}

// Bounds of a region search's answer.
const (
	searchDefault = 10
	searchMax     = 50
)

// regionHit is a search result: the region and, for telling apart the
// many villages of one name, the names of the regions it lies in.
type regionHit struct {
	domain.Region
	Within string `json:"within,omitempty"`
}

// within names the regions above r, nearest first, without the nation:
// "Kabupaten Banyuasin, Sumatera Selatan".
func within(ix *regionsearch.Index, r domain.Region) string {
	up := ix.Ancestry(r.Code)
	names := make([]string, 0, len(up))
	for i := len(up) - 1; i >= 0; i-- {
		if up[i].Level != domain.LevelNational {
			names = append(names, up[i].Name)
		}
	}
	return strings.Join(names, ", ")
}

func searchHits(ix *regionsearch.Index, q string, limit int) []regionHit {
	found := ix.Search(q, limit)
	out := make([]regionHit, len(found))
	for i, r := range found {
		out[i] = regionHit{Region: r, Within: within(ix, r)}
	}
	return out
}

// pickerLink is one region the picker links to.
type pickerLink struct {
	Name, Within, URL string
	HasData, Current  bool
}

// pickerView is what the region picker partial ("regionPicker",
// templates/region_picker.html) shows: the ancestry of the region shown as
// breadcrumbs, links to the regions one level below it (with or without
// data), and a search form that works without JavaScript (?q= shows its
// results in the picker) and, with pantau-picker.js, lists matches as one
// types, from /api/v1/regions?q=. Any page choosing a region by ?region=
// can show it: build it with regionPicker and pass it as .Picker.
type pickerView struct {
	T        map[string]string
	Lang     locale.Lang
	Region   domain.Region
	Crumbs   []pickerLink
	Children []pickerLink
	// Action is the page's path; Hidden the query it keeps (language,
	// theme, tab, year…) when the search form is sent.
	Action string
	Hidden []hiddenField
	Query  string
	// Results answer ?q= (nil when there was no query).
	Results   []pickerLink
	ScriptURL string
}

type hiddenField struct{ Name, Value string }

// regionPicker builds the picker for the region the page shows; children
// are marked when they have a value of any of indicators.
func (s *Server) regionPicker(c *gin.Context, shown domain.Region, indicators []string) (pickerView, error) {
	ctx := c.Request.Context()
	l := lang(c)
	ix, err := s.regionIndex(ctx)
	if err != nil {
		return pickerView{}, err
	}
	link := func(r domain.Region) pickerLink {
		q := c.Request.URL.Query()
		q.Del("q")
		q.Set("region", r.Code)
		return pickerLink{Name: r.Name, URL: (&url.URL{Path: c.Request.URL.Path, RawQuery: q.Encode()}).String(), Current: r.Code == shown.Code}
	}
	v := pickerView{T: texts[l], Lang: l, Region: shown, Action: c.Request.URL.Path, ScriptURL: chart.PickerURL,
		Query: strings.TrimSpace(c.Query("q"))}
	for _, r := range ix.Ancestry(shown.Code) {
		v.Crumbs = append(v.Crumbs, link(r))
	}
	children := ix.Children(shown.Code)
	codes := make([]string, len(children))
	for i, r := range children {
		codes[i] = r.Code
	}
	has, err := s.store.RegionsHavingData(ctx, indicators, codes)
	if err != nil {
		return pickerView{}, err
	}
	for _, r := range children {
		k := link(r)
		k.HasData = has[r.Code]
		v.Children = append(v.Children, k)
	}
	query := c.Request.URL.Query()
	for _, name := range slices.Sorted(maps.Keys(query)) {
		if name != "q" && name != "region" {
			v.Hidden = append(v.Hidden, hiddenField{name, query.Get(name)})
		}
	}
	v.Hidden = append(v.Hidden, hiddenField{"region", shown.Code})
	if v.Query != "" {
		v.Results = []pickerLink{}
		for _, h := range searchHits(ix, v.Query, searchMax) {
			k := link(h.Region)
			k.Within = h.Within
			v.Results = append(v.Results, k)
		}
	}
	return v, nil
}
