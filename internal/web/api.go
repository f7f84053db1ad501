package web

import (
	"context"
	"net/http"
	"slices"
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
	s.answer(c, inds, err)
}

func (s *Server) getIndicator(c *gin.Context) {
	ind, err := s.store.Indicator(c.Request.Context(), c.Param("code"))
	s.answer(c, ind, err)
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

// answer writes v as the data of a 200 answer, or err as the error.
func (s *Server) answer(c *gin.Context, v any, err error) {
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"data": v})
}

func (s *Server) getRegion(c *gin.Context) {
	r, err := s.store.Region(c.Request.Context(), c.Param("code"))
	s.answer(c, r, err)
}

// getSeries returns one indicator in one region: observations of every
// disaggregation and the targets of every plan that applies to the region.
func (s *Server) getSeries(c *gin.Context) {
	q, ok := s.requireQuery(c, "?indicator=kemiskinan&region=16.07", "indicator", "region")
	if !ok {
		return
	}
	ind, region := q[0], q[1]
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
	series.Observations = slices.DeleteFunc(series.Observations, func(o domain.Observation) bool { return o.Year < from || o.Year > to })
	series.Targets = slices.DeleteFunc(series.Targets, func(t domain.Target) bool { return t.Year < from || t.Year > to })
	c.JSON(http.StatusOK, gin.H{"data": series})
}

func (s *Server) notFound(c *gin.Context) {
	c.JSON(http.StatusNotFound, errorBody("not_found", "no such page or endpoint", nil))
}
