package web

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/internal/indicator"
	"pantau/internal/store"
)

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz answers 503 while the database does not.
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

func (s *Server) listRegions(c *gin.Context) {
	f := store.RegionFilter{Parent: c.Query("parent"), Level: indicator.Level(c.Query("level"))}
	regions, err := s.store.Regions(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"data": regions})
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
		s.fail(c, indicator.Errorf(indicator.ErrInvalid, "indicator and region are required (?indicator=kemiskinan&region=16.07)"))
		return
	}
	series, err := s.store.Series(c.Request.Context(), ind, region)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"data": series})
}

func (s *Server) notFound(c *gin.Context) {
	c.JSON(http.StatusNotFound, errorBody("not_found", "no such page or endpoint", nil))
}
