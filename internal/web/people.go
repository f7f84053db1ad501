package web

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

// Who and when, as the history and review pages show them: people by
// their display name and agency rather than the store's "user:2:bps-…",
// and times in the region's own zone with the zone written.

// people names the principals the store records as sources (an upload's
// sender, a reviewer, a comment's author; see domain.Principal.Source).
type people struct {
	lang     locale.Lang
	users    map[int64]domain.User
	tokens   map[int64]string // label
	agencies map[string]string
}

// people reads the accounts, tokens and agencies once for a page. Names
// are a courtesy: when they cannot be read the page still shows, naming
// people by account or token number (the failure is logged).
func (s *Server) people(ctx context.Context, l locale.Lang) *people {
	p := &people{lang: l, users: map[int64]domain.User{}, tokens: map[int64]string{}, agencies: map[string]string{}}
	users, err := s.store.Users(ctx)
	for _, u := range users {
		p.users[u.ID] = u
	}
	tokens, terr := s.store.AllTokens(ctx, "")
	for _, t := range tokens {
		p.tokens[t.ID] = t.Label
	}
	cat, cerr := s.store.Catalog(ctx)
	if cerr == nil {
		for code, a := range cat.Agencies {
			p.agencies[code] = a.Name
		}
	}
	if err := cmp.Or(err, terr, cerr); err != nil {
		s.log.Error("people's names", "err", err)
	}
	return p
}

// name is source as a person reads it: "Siti Aminah (BPS Kabupaten
// Banyuasin)", "token Laptop statistik (BPS …)". A source of another form
// (the demo, the command line) is named as such, or shown as it is.
func (p *people) name(source string) string {
	ref, isRef := domain.ParseSource(source)
	id, agency := ref.ID, ref.Detail
	who := ""
	switch {
	case isRef && ref.Kind == domain.ByUser:
		u, ok := p.users[id]
		who = p.lang.Get("people.userNo", id)
		if ok && u.Name != "" {
			who = u.Name
		}
		if agency == "" && ok {
			agency = u.AgencyCode
		}
	case isRef && ref.Kind == domain.ByToken:
		who = p.lang.Get("people.tokenNo", id)
		if label := p.tokens[id]; label != "" {
			who = p.lang.Get("people.token", label)
		}
	case strings.HasPrefix(source, "cli:"):
		return p.lang.Get("people.cli", strings.TrimPrefix(source, "cli:"))
	case source == "demo":
		return p.lang.Get("people.demo")
	default:
		return source
	}
	if agency == "" {
		return who
	}
	name := p.agencies[agency]
	if name == "" {
		name = agency
	}
	return fmt.Sprintf("%s (%s)", who, name)
}

// localTime is t in zone, as people write it: "2 Des 2026 09.15 WIB" in
// Indonesian (a point between hours and minutes), "2 Dec 2026 09:15 WIB"
// in English.
func localTime(l locale.Lang, t time.Time, z domain.Zone) string {
	t = t.In(z.Loc)
	month := []rune(l.Get("month." + strconv.Itoa(int(t.Month()))))
	clock := t.Format("15.04")
	if l == locale.EN {
		clock = t.Format("15:04")
	}
	return fmt.Sprintf("%d %s %d %s %s", t.Day(), string(month[:3]), t.Year(), clock, z.Abbrev)
}

// homeZone is the zone of the instance's home region, for pages about
// uploads and submissions, which span regions.
func (s *Server) homeZone(ctx context.Context) domain.Zone {
	home, _ := s.store.HomeRegion(ctx)
	z, _ := domain.ZoneOf(home)
	return z
}
