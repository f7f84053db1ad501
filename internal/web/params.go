package web

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"pantau/internal/domain"
)

// Reading a request's parameters, one way each: a page of a list, years,
// an id in the path, the query parameters an answer cannot do without.

// requireQuery reads the query parameters names, every one of which the
// request must give; when one is missing it answers 400 with example (how
// to give them) and reports false.
func (s *Server) requireQuery(c *gin.Context, example string, names ...string) ([]string, bool) {
	vals := make([]string, len(names))
	missing := false
	for i, n := range names {
		vals[i] = c.Query(n)
		missing = missing || vals[i] == ""
	}
	if missing {
		verb := " is required ("
		if len(names) > 1 {
			verb = " are required ("
		}
		s.fail(c, domain.Errorf(domain.ErrInvalid, "%s", strings.Join(names, " and ")+verb+example+")"))
		return nil, false
	}
	return vals, true
}

// parseYear reads a year between domain.MinYear and domain.MaxYear: the
// one way every parameter that names a year is read.
func parseYear(raw string) (int, bool) {
	y, err := strconv.Atoi(raw)
	return y, err == nil && domain.CheckYear(y) == nil
}

// yearRange reads ?from= and ?to= (inclusive years; open when absent).
func yearRange(c *gin.Context) (from, to int, err error) {
	if from, err = yearParam(c, "from"); err != nil {
		return 0, 0, err
	}
	if to, err = yearParam(c, "to"); err != nil {
		return 0, 0, err
	}
	if from == 0 {
		from = domain.MinYear
	}
	if to == 0 {
		to = domain.MaxYear
	}
	if from > to {
		return 0, 0, domain.Errorf(domain.ErrInvalid, "from %d is after to %d", from, to)
	}
	return from, to, nil
}

// idParam reads a positive numeric path parameter.
func idParam(c *gin.Context, what string) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.Errorf(domain.ErrInvalid, "%s id %q is not a number", what, c.Param("id"))
	}
	return id, nil
}

// page is a window over a list answer.
type page struct{ limit, offset int }

// pageOf reads ?limit= and ?offset= (limit at most max, default max).
func pageOf(c *gin.Context, max int) (page, error) {
	p := page{limit: max}
	for name, dst := range map[string]*int{"limit": &p.limit, "offset": &p.offset} {
		if v := c.Query(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return p, domain.Errorf(domain.ErrInvalid, "%s %q is not a non-negative whole number", name, v)
			}
			*dst = n
		}
	}
	if p.limit == 0 || p.limit > max {
		p.limit = max
	}
	return p, nil
}

// apply describes the page of rows out of total: the URL of the next page
// when there is one.
func (p page) apply(c *gin.Context, rows []domain.Region, total int) gin.H {
	hi := min(p.offset, total) + len(rows)
	meta := gin.H{"total": total, "limit": p.limit, "offset": p.offset}
	if hi < total {
		q := c.Request.URL.Query()
		q.Set("offset", strconv.Itoa(hi))
		q.Set("limit", strconv.Itoa(p.limit))
		meta["next"] = c.Request.URL.Path + "?" + q.Encode()
	}
	return gin.H{"data": rows, "meta": meta}
}
