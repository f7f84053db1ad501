package web

import (
	"github.com/gin-gonic/gin"

	"pantau/internal/domain"
	"pantau/internal/httpx"
)

// routes is the whole HTTP surface of Pantau, in one table.
func (s *Server) routes(r *gin.Engine) {
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	r.GET("/metrics", s.metrics.handler())

	r.GET("/", s.cached(s.indexPage))
	r.GET("/kelengkapan", s.completenessPage)
	r.GET("/completeness", s.completenessPage)
	r.GET("/unggah", s.uploadPage)
	r.GET("/upload", s.uploadPage)
	r.POST("/unggah", s.limit(s.uploads.limit), s.previewUploadPage)
	r.POST("/unggah/simpan", s.limit(s.uploads.limit), s.confirmUploadPage)
	r.GET("/unggah/templat", s.requireLogin(), s.uploadTemplatePage)
	r.GET("/upload/template", s.requireLogin(), s.uploadTemplatePage)
	r.POST("/unggah/indikator", s.limit(s.uploads.limit), s.chooseIndicatorPage)
	r.GET("/unggah/isian", s.uploadGridPage)
	r.POST("/unggah/isian", s.limit(s.uploads.limit), s.postGridPage)
	r.GET("/d/:dashboard", s.cached(s.dashboardPage))
	r.GET("/i/:indicator", s.cached(s.indicatorPage))
	r.GET("/static/:file", s.staticFile)
	r.GET("/favicon.ico", s.iconFile("favicon.ico"))
	r.GET("/static/icon.svg", s.iconFile("icon.svg"))
	r.GET("/static/icon-192.png", s.iconFile("icon-192.png"))
	r.GET("/static/icon-512.png", s.iconFile("icon-512.png"))
	r.GET("/manifest.webmanifest", s.manifest)

	// Embeds for other sites (framable, cookie-free, cached by data
	// version), their resizer script and oEmbed discovery.
	r.GET("/embed/i/:indicator", s.embedIndicator)
	r.GET("/embed/d/:dashboard/:panel", s.embedPanel)
	r.GET("/static/embed.js", s.embedScript)
	r.GET("/oembed", s.oembed)

	// Accounts: login (rate-limited per client), logout, password change.
	r.GET("/masuk", s.loginPage)
	r.POST("/masuk", s.limit(s.accounts.login), s.login)
	r.GET("/keluar", s.logoutPage)
	r.POST("/keluar", s.requireLogin(), s.logout)
	r.GET("/akun", s.requireLogin(), s.accountPage)
	r.GET("/tinjau", s.requireLogin(), s.reviewListPage)
	r.GET("/tinjau/:id", s.requireLogin(), s.reviewDetailPage)
	r.POST("/tinjau/:id/:action", s.requireLogin(), s.reviewAction)
	r.POST("/akun/sandi", s.requireLogin(), s.limit(s.accounts.password), s.changePassword)

	r.GET("/api/docs", s.apiDocs)

	api := r.Group("/api/v1", httpx.ETagJSON("/api/v1/export", "/api/v1/series.csv"))
	api.GET("/indicators", s.listIndicators)
	api.GET("/indicators/:code", s.getIndicator)
	api.GET("/regions", s.listRegions)
	api.GET("/regions/:code", s.getRegion)
	api.GET("/series", s.getSeries)
	api.GET("/boundaries", s.getBoundaries)
	api.GET("/progress", s.getProgress)
	api.GET("/disparity", s.getDisparity)
	api.GET("/alignment", s.getAlignment)
	api.GET("/targets", s.getTargets)
	api.GET("/observations/history", s.getHistory)
	api.GET("/openapi.json", s.openAPI)
	api.GET("/export", s.getExport)
	api.GET("/export/metadata", s.getExportMetadata)
	api.GET("/changes", s.getChanges)
	api.GET("/completeness", s.getCompleteness)
	api.POST("/uploads", s.limit(s.uploads.limit), s.idempotentUpload(), s.postUpload)
	api.GET("/uploads/:id", s.getUploadDetail)
	api.GET("/uploads/:id/file", s.getUploadFile)
	api.GET("/submissions", s.listSubmissions)
	api.GET("/submissions/:id", s.getSubmission)
	api.GET("/submissions/:id/file", s.getSubmissionFile)
	api.POST("/submissions/:id/publish", s.postPublish)
	api.POST("/submissions/:id/return", s.postReturn)
	api.POST("/submissions/:id/withdraw", s.postWithdraw)
	api.POST("/submissions/:id/comments", s.postComment)

	api.GET("/me", s.getMe)
	admin := s.requireRole(domain.RoleAdmin)
	api.GET("/audit", admin, s.getAudit)
	api.POST("/boundaries", admin, s.limit(s.uploads.limit), s.postBoundaries)
	api.GET("/tokens", admin, s.listTokens)
	api.DELETE("/tokens/:id", admin, s.revokeToken)

	// Administration of accounts and agency tokens: API and pages
	// (administrators; pages send others to log in, or say 403).
	api.POST("/tokens", admin, s.createToken)
	api.GET("/users", admin, s.listUsers)
	api.POST("/users", admin, s.createUser)
	api.PATCH("/users/:id", admin, s.updateUser)
	api.POST("/users/:id/password", admin, s.resetUserPassword)
	adm := r.Group("/admin", s.requireLogin(), s.requireAdminPage())
	adm.GET("/pengguna", s.usersPage)
	adm.POST("/pengguna", s.createUserPage)
	adm.POST("/pengguna/:id", s.updateUserPage)
	adm.POST("/pengguna/:id/sandi", s.resetPasswordPage)
	adm.GET("/token", s.tokensPage)
	adm.POST("/token", s.createTokenPage)
	adm.POST("/token/:id/cabut", s.revokeTokenPage)

	// The catalogue (catalog_pages.go, catalog_api.go): each change a
	// catalogue import by the administrator, as `pantau catalog import`.
	adm.GET("/katalog", s.catalogIndicators)
	adm.GET("/katalog/indikator/baru", s.catalogNewIndicator)
	adm.POST("/katalog/indikator", s.catalogCreateIndicator)
	adm.GET("/katalog/indikator/:code", s.catalogIndicator)
	adm.POST("/katalog/indikator/:code", s.catalogSaveIndicator)
	adm.GET("/katalog/rencana", s.catalogPlans)
	adm.POST("/katalog/rencana", s.catalogCreatePlan)
	adm.GET("/katalog/wilayah", s.catalogRegions)
	adm.POST("/katalog/wilayah/:code", s.catalogSaveRegion)
	adm.GET("/katalog/instansi", s.catalogAgencies)
	adm.POST("/katalog/instansi", s.catalogCreateAgency)
	adm.POST("/katalog/instansi/:code", s.catalogSaveAgency)
	api.GET("/catalog", admin, s.getCatalog)
	api.GET("/catalog/:kind", admin, s.getCatalogKind)
	api.POST("/catalog", admin, s.postCatalog)

	r.NoRoute(s.notFound)
}
