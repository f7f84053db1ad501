package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/internal/chart"
	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/locale"
	"pantau/internal/progress"
)

// The upload page, for agency staff: choose a file (logged in as an
// uploader, or with the agency's token typed in), see the preview
// (detected dialect, counts, every error with its line and column, new and
// changed values old → new), then confirm: the file is stored, or sent to
// the walidata for review (when asked for, or required of agencies).
//
// Confirming does not ask for the file again: the previewed file is kept
// server-side, under a random 128-bit id, for 30 minutes, bound to whoever
// previewed it; the confirm form carries only that id, never the token.
// The id is as unguessable as a token and lives briefly. A logged-in
// person's forms also carry the session's CSRF token (first field of the
// multipart form, so the check does not read the file). When the id is
// unknown — expired, or the confirmation reached another instance behind a
// load balancer — the page asks for the file again rather than failing.

// pendingFiles keeps previewed files until confirmed or expired.
type pendingFiles struct {
	ttl   time.Duration
	mu    sync.Mutex
	dir   string
	files map[string]pendingFile
}

type pendingFile struct {
	path     string
	filename string
	// by is who previewed the file: the confirmation stores it as theirs.
	by      domain.Principal
	params  map[string]string
	expires time.Time
}

func newPendingFiles(ttl time.Duration) *pendingFiles {
	return &pendingFiles{ttl: ttl, files: map[string]pendingFile{}}
}

// put copies r to a new pending file and returns its id.
func (p *pendingFiles) put(r io.Reader, f pendingFile) (string, pendingFile, error) {
	p.mu.Lock()
	p.sweep(time.Now())
	if p.dir == "" {
		dir, err := os.MkdirTemp("", "pantau-pending-*")
		if err != nil {
			p.mu.Unlock()
			return "", f, fmt.Errorf("web: pending uploads: %w", err)
		}
		p.dir = dir
	}
	dir := p.dir
	p.mu.Unlock()
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", f, err
	}
	id := hex.EncodeToString(raw[:])
	tmp, err := os.CreateTemp(dir, "pending-*")
	if err != nil {
		return "", f, fmt.Errorf("web: pending upload: %w", err)
	}
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return "", f, err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return "", f, fmt.Errorf("web: pending upload: %w", err)
	}
	f.path, f.expires = tmp.Name(), time.Now().Add(p.ttl)
	p.mu.Lock()
	p.files[id] = f
	p.mu.Unlock()
	return id, f, nil
}

// take removes and returns a pending file; the caller deletes f.path.
func (p *pendingFiles) take(id string) (pendingFile, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sweep(time.Now())
	f, ok := p.files[id]
	delete(p.files, id)
	return f, ok
}

// drop forgets a pending file and deletes it.
func (p *pendingFiles) drop(id string) {
	if f, ok := p.take(id); ok {
		os.Remove(f.path)
	}
}

func (p *pendingFiles) sweep(now time.Time) {
	for id, f := range p.files {
		if now.After(f.expires) {
			os.Remove(f.path)
			delete(p.files, id)
		}
	}
}

// uploadParams are the form fields that shape an import.
var uploadParams = []string{"indicator", "decimal", "targets", "plan", "region", "review"}

// uploadView is what the page templates show.
type uploadView struct {
	Lang, Other locale.Lang
	T           map[string]string
	Nonce       string
	Params      map[string]string
	Error       string
	// Preview and result.
	Result    *importer.Result
	Answer    *uploadAnswer
	Filename  string
	Pending   string
	Changes   []changeRow
	MaxMB     int64
	Confirmed bool
	// ScriptURL shows upload progress; the page works without it.
	ScriptURL string
	// By is the logged-in person who may upload (no token asked then), and
	// CSRF their session's token.
	By   *domain.Principal
	CSRF string
	// ReviewRequired says agencies' uploads wait for the walidata.
	ReviewRequired bool
	// Submission is what a confirmed file sent for review became.
	Submission *domain.Submission
	// WillReview says confirming sends the file to the walidata, and
	// NothingToReview that it was sent but changes nothing.
	WillReview, NothingToReview bool
	status                      int
}

type changeRow struct {
	Line                          int
	Kind, Indicator, Region, Year string
	Disagg, Old, New              string
	// Plan is a target's plan.
	Plan string
}

// uploadPage answers GET /unggah (and /upload): the form.
func (s *Server) uploadPage(c *gin.Context) {
	v := s.newUploadView(c)
	// A link may fill the form in (the catalogue's "upload targets" for a plan).
	for _, k := range uploadParams {
		if q := c.Query(k); q != "" {
			v.Params[k] = q
		}
	}
	s.renderPage(c, http.StatusOK, uploadFrame, "upload.html", v)
}

func (s *Server) newUploadView(c *gin.Context) *uploadView {
	l := lang(c)
	v := &uploadView{Lang: l, Other: locale.EN, T: uploadTexts[l], Params: map[string]string{}, MaxMB: s.uploads.maxBytes >> 20,
		ReviewRequired: s.requireReview}
	if l == locale.EN {
		v.Other = locale.ID
	}
	if p := principal(c); p.LoggedIn() && p.CanUpload() {
		v.By = &p
		if sess, ok := session(c); ok {
			v.CSRF = sess.CSRF
		}
	}
	return v
}

// previewUploadPage answers POST /unggah: a dry run of the chosen file.
func (s *Server) previewUploadPage(c *gin.Context) {
	v := s.newUploadView(c)
	if c.Request.ContentLength > s.uploads.maxBytes {
		v.Error = fmt.Sprintf(v.T["tooLarge"], v.MaxMB)
		c.Header("Connection", "close")
		s.renderPage(c, http.StatusRequestEntityTooLarge, uploadFrame, "upload.html", v)
		return
	}
	u, err := s.readUpload(c)
	if err != nil {
		status, _ := statusOf(err)
		v.Error = domain.Message(err)
		if tooLarge(err) {
			status, v.Error = http.StatusRequestEntityTooLarge, fmt.Sprintf(v.T["tooLarge"], v.MaxMB)
			c.Header("Connection", "close")
		}
		s.renderPage(c, status, uploadFrame, "upload.html", v)
		return
	}
	defer u.close()
	for _, k := range uploadParams {
		v.Params[k] = u.param(k)
	}
	by, status, problem := s.pageUploader(c, v, u.param("token"))
	if problem != "" {
		v.Error = problem
		s.renderPage(c, status, uploadFrame, "upload.html", v)
		return
	}
	id, f, err := s.uploads.pending.put(u.file, pendingFile{filename: u.filename, by: by, params: v.Params})
	if tooLarge(err) {
		v.Error = fmt.Sprintf(v.T["tooLarge"], v.MaxMB)
		s.renderPage(c, http.StatusRequestEntityTooLarge, uploadFrame, "upload.html", v)
		return
	}
	if err != nil {
		status, problem := s.problem(c, err, pageWords{internal: v.T["internal"]})
		v.Error = problem
		s.renderPage(c, status, uploadFrame, "upload.html", v)
		return
	}
	if s.importPending(c, v, f, true) {
		v.Pending = id
	} else {
		s.uploads.pending.drop(id)
	}
	s.renderPage(c, v.status, uploadFrame, "upload.html", v)
}

// pageUploader decides who sends a file through the page: the logged-in
// person when they may upload, else the agency token typed in. It returns
// a status and a message for the page when neither will do.
func (s *Server) pageUploader(c *gin.Context, v *uploadView, token string) (domain.Principal, int, string) {
	if v.By != nil && token == "" {
		return *v.By, 0, ""
	}
	if p := principal(c); token == "" && p.LoggedIn() {
		return p, http.StatusForbidden, fmt.Sprintf(v.T["role"], p.Role)
	}
	tok, err := s.token(c, token)
	if err != nil {
		status, problem := s.problem(c, err, pageWords{internal: v.T["internal"], known: func(_ error, status int) (string, bool) {
			return v.T["badToken"], status == http.StatusUnauthorized
		}})
		return domain.Principal{}, status, problem
	}
	return tokenPrincipal(tok), 0, ""
}

// confirmUploadPage answers POST /unggah/simpan: the previewed file, for real.
func (s *Server) confirmUploadPage(c *gin.Context) {
	v := s.newUploadView(c)
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 64<<10)
	f, ok := s.uploads.pending.take(c.PostForm("pending"))
	if !ok {
		v.Error = v.T["expired"]
		s.renderPage(c, http.StatusGone, uploadFrame, "upload.html", v)
		return
	}
	defer os.Remove(f.path)
	if err := s.stillUploader(c, f.by); err != nil {
		var status int
		status, v.Error = s.problem(c, err, pageWords{internal: domain.Message(err), known: knownMessage})
		s.renderPage(c, status, uploadFrame, "upload.html", v)
		return
	}
	s.importPending(c, v, f, false)
	s.renderPage(c, v.status, uploadFrame, "upload.html", v)
}

// stillUploader checks that whoever previewed a file may still store it
// as they confirm: the same person, logged in now (with the form's CSRF
// token), with the same role and agency; or a token not revoked since.
func (s *Server) stillUploader(c *gin.Context, by domain.Principal) error {
	if by.Kind == domain.ByToken {
		ok, err := s.store.TokenActive(c.Request.Context(), by.TokenID)
		if err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.ErrUnauthorized, "the agency token that checked this file has been revoked; nothing was stored")
		}
		return nil
	}
	p := principal(c)
	if c.GetBool(csrfFailedKey) {
		return errCSRF
	}
	if p.Kind != domain.ByUser || p.UserID != by.UserID || p.Role != by.Role || p.AgencyCode != by.AgencyCode || !p.CanUpload() {
		return domain.Errorf(domain.ErrForbidden, "only %s, logged in with the same role and agency as when the file was checked, may store it; nothing was stored", by.Source())
	}
	return nil
}

// importPending runs the importer over a pending file, a dry run for the
// preview or the real import, and fills the view; it reports whether the
// file was accepted.
func (s *Server) importPending(c *gin.Context, v *uploadView, f pendingFile, dryRun bool) bool {
	v.Params, v.Filename = f.params, f.filename
	file, err := os.Open(f.path)
	if err != nil {
		v.status, v.Error = http.StatusGone, v.T["expired"]
		return false
	}
	defer file.Close()
	u := &uploadRequest{file: file, filename: f.filename, query: func(k string) string {
		if k == "dry_run" {
			return fmt.Sprint(dryRun)
		}
		return f.params[k]
	}}
	req, err := s.importRequest(c, u, f.by)
	if err != nil {
		v.status, v.Error = http.StatusBadRequest, domain.Message(err)
		return false
	}
	req.Options.Lang = v.Lang
	res, err := importer.Import(c.Request.Context(), s.store, file, req)
	a := answerOf(res)
	v.Result, v.Answer, v.Submission = &res, &a, res.Submission
	v.WillReview, v.NothingToReview = req.Review, res.NothingToReview
	v.Changes = changeRows(res, v.Lang)
	v.status = http.StatusOK
	switch {
	case err == nil && res.NothingToReview:
		v.status = http.StatusOK
	case err == nil && res.Submission != nil:
		v.Confirmed, v.status = true, http.StatusAccepted
		c.Set(auditActionKey, "submit upload")
		c.Set(auditObjectKey, fmt.Sprintf("submission:%d", res.Submission.ID))
	case err == nil && !dryRun:
		v.Confirmed, v.status = true, http.StatusCreated
	case err == nil:
	case errors.Is(err, domain.ErrForbidden):
		v.status, v.Error = http.StatusForbidden, domain.Message(err)
	case errors.Is(err, domain.ErrInvalid):
		v.status, v.Error = http.StatusUnprocessableEntity, v.T["rejected"]
	default:
		v.status, v.Error = s.problem(c, err, pageWords{internal: v.T["internal"]})
	}
	return err == nil
}

// changeRows formats a preview's changes in the page's language.
func changeRows(res importer.Result, lang locale.Lang) []changeRow {
	out := make([]changeRow, 0, len(res.Changes))
	for _, ch := range res.Changes {
		r := changeRow{Line: ch.Line, Kind: ch.Kind, Indicator: ch.IndicatorCode, Region: ch.RegionCode, Year: fmt.Sprint(ch.Year),
			Disagg: string(ch.Disagg), New: rangeText(lang, ch.New, ch.High), Plan: ch.Plan}
		if ch.Old != nil {
			r.Old = rangeText(lang, *ch.Old, ch.OldHigh)
		}
		out = append(out, r)
	}
	return out
}

// rangeText formats a value, or a target's range low–high.
func rangeText(lang locale.Lang, low float64, high *float64) string {
	if high == nil {
		return progress.FormatNumberTrim(lang, low, 6)
	}
	return progress.FormatNumberTrim(lang, low, 6) + "–" + progress.FormatNumberTrim(lang, *high, 6)
}

// useNonce gives upload.html the nonce of its inline style and its
// script; the page has a strict security policy of its own (uploadFrame).
func (v *uploadView) useNonce(nonce string) {
	v.Nonce = nonce
	v.ScriptURL = chart.UploadURL
}

// uploadTexts are the upload page's strings.
var uploadTexts = locale.Sections("upload")
