package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/internal/domain"
	"pantau/internal/regionsearch"
)

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz answers 503 while the database does not. A full database stays
// ready: reads work, and each write answers 507 with the cause, so taking
// the server out of rotation would only stop the reads too.
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("not ready", "err", err)
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "database": "unreachable"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "database": string(s.store.Dialect())})
}

func (s *Server) listIndicators(c *gin.Context) {
	inds, err := s.store.Indicators(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"data": inds})
}

func (s *Server) getIndicator(c *gin.Context) {
	ind, err := s.store.Indicator(c.Request.Context(), c.Param("code"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"data": ind})
}

// listRegions answers /api/v1/regions, filtered by parent, level or
// subtree, a page at a time (limit, offset; meta.next is the next page);
// with ?q= the best matches of a search by name or code instead
// (regionsearch.Index.Search), each with the names of the regions it lies
// in. Both read the regions held in memory, so a page costs its own size,
// not the country's.
func (s *Server) listRegions(c *gin.Context) {
	ix, err := s.regionIndex(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	if q, ok := c.GetQuery("q"); ok {
		pg, err := pageOf(c, searchMax)
		if err != nil {
			s.fail(c, err)
			return
		}
		if c.Query("limit") == "" {
			pg.limit = searchDefault
		}
		c.JSON(http.StatusOK, gin.H{"data": searchHits(ix, q, pg.limit), "meta": gin.H{"q": q, "limit": pg.limit, "offset": 0}})
		return
	}
	pg, err := pageOf(c, 1000)
	if err != nil {
		s.fail(c, err)
		return
	}
	regions, total := ix.List(regionsearch.Filter{Parent: c.Query("parent"), Level: domain.Level(c.Query("level")), Subtree: c.Query("subtree")}, pg.offset, pg.limit)
	c.JSON(http.StatusOK, pg.apply(c, regions, total))
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

func (s *Server) getRegion(c *gin.Context) {
	r, err := s.store.Region(c.Request.Context(), c.Param("code"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"data": r})
}

// getSeries returns one indicator in one region: observations of every
// disaggregation and the targets of every plan that applies to the region.
func (s *Server) getSeries(c *gin.Context) {
	ind, region := c.Query("indicator"), c.Query("region")
	if ind == "" || region == "" {
		s.fail(c, domain.Errorf(domain.ErrInvalid, "indicator and region are required (?indicator=kemiskinan&region=16.07)"))
		return
	}
	from, to, err := yearRange(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	series, err := s.store.Series(c.Request.Context(), ind, region)
	if err != nil {
		s.fail(c, err)
		return
	}
	obs := series.Observations[:0]
	for _, o := range series.Observations {
		if o.Year >= from && o.Year <= to {
			obs = append(obs, o)
		}
	}
	series.Observations = obs
	tg := series.Targets[:0]
	for _, t := range series.Targets {
		if t.Year >= from && t.Year <= to {
			tg = append(tg, t)
		}
	}
	series.Targets = tg
	c.JSON(http.StatusOK, gin.H{"data": series})
}

func (s *Server) notFound(c *gin.Context) {
	c.JSON(http.StatusNotFound, errorBody("not_found", "no such page or endpoint", nil))
}

// parseYear reads a year between domain.MinYear and domain.MaxYear: the
// one way every parameter that names a year is read.
func parseYear(raw string) (int, bool) {
	y, err := strconv.Atoi(raw)
	return y, err == nil && domain.CheckYear(y) == nil
}

// yearRange reads ?from= and ?to= (inclusive years; open when absent).
func yearRange(c *gin.Context) (from, to int, err error) {
	from, to = domain.MinYear, domain.MaxYear
	for name, dst := range map[string]*int{"from": &from, "to": &to} {
		if v := c.Query(name); v != "" {
			n, ok := parseYear(v)
			if !ok {
				return 0, 0, domain.Errorf(domain.ErrInvalid, "%s %q is not a year between %d and %d", name, v, domain.MinYear, domain.MaxYear)
			}
			*dst = n
		}
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
