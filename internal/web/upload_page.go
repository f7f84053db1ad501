package web

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/internal/chart"
	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/ingest"
	"pantau/internal/locale"
	"pantau/internal/progress"
	"pantau/internal/store"
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
	// links are the pages the previewed file changes, shown once stored.
	links []seriesLink
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

// keep puts a taken file back under its id for another ttl: a file
// refused for want of an indicator waits for the uploader to choose one.
func (p *pendingFiles) keep(id string, f pendingFile) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f.expires = time.Now().Add(p.ttl)
	p.files[id] = f
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
var uploadParams = []string{"indicator", "decimal", "targets", "plan", "region", "review", "sheet"}

// uploadView is what the page templates show.
type uploadView struct {
	Lang, Other locale.Lang
	OtherURL    string
	// Theme is ?theme=light|dark, as on the public pages.
	Theme string
	T     map[string]string
	// X are the words of the templates and the workbook fields.
	X      map[string]string
	Nonce  string
	Params map[string]string
	Error  string
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
	// AgencyName is the logged-in uploader's agency, by name.
	AgencyName string
	// ReviewRequired says agencies' uploads wait for the walidata.
	ReviewRequired bool
	// Submission is what a confirmed file sent for review became.
	Submission *domain.Submission
	// WillReview says confirming sends the file to the walidata, and
	// NothingToReview that it was sent but changes nothing.
	WillReview, NothingToReview bool
	// Refusal is a file refused whole (empty, not a table, no indicator…),
	// with what to do about it.
	Refusal *refusal
	// Indicators are those the uploader may send, by agency: the form's
	// choice of indicator, and a wide table's when it names none.
	Indicators []indicatorGroup
	// Names are the catalogue's names of the codes Changes show ("i:CODE",
	// "r:CODE"); Links the indicator pages a stored upload changed.
	Names map[string]string
	Links []seriesLink
	// Confirm counts the warnings the sender must confirm before storing
	// (templates/upload_changes.html); CT are their words.
	Confirm int
	CT      map[string]string
	// Grid is the form for typing one indicator's values for one year.
	Grid   *gridView
	status int
}

// refusal is a file-level refusal as the page tells it: What went wrong
// and Todo, what to do, in an agency clerk's words; Detail is the reader's
// own message, folded under "Detail teknis".
type refusal struct {
	Code, What, Todo, Detail string
	// ChooseIndicator: a wide table that names no indicator, resent as it
	// is (kept server-side) with the one chosen.
	ChooseIndicator bool
}

// refusalOf words a file-level refusal (ingest.FileProblem's code); a code
// without words of its own gets the general ones and the reader's message.
func refusalOf(t map[string]string, code, detail string) *refusal {
	r := &refusal{Code: code, What: t["refuse_"+code], Todo: t["todo_"+code], Detail: detail, ChooseIndicator: code == "need_ind"}
	if r.What == "" || code == "other" {
		r.What, r.Todo, r.Detail = t["refuse_other"], detail, ""
	}
	return r
}

// indicatorGroup is one agency's indicators, as a select's optgroup.
type indicatorGroup struct {
	Agency string
	Items  []option
}

type changeRow struct {
	Line                          int
	Kind, Indicator, Region, Year string
	Disagg, Old, New              string
	// Plan is a target's plan.
	Plan string
	// What says what a changed value changes ("hanya catatan berubah"),
	// Kept that its value stays, and Details each other attribute's old →
	// new (templates/upload_changes.html).
	What    string
	Kept    bool
	Details []string
	// Also says what else changes beside a changed value; NewWord and
	// KeptWord are "new" and "unchanged" in the page's language.
	Also, NewWord, KeptWord string
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
	s.withIndicators(c, v)
	s.renderPage(c, http.StatusOK, uploadFrame, "upload.html", v)
}

// withIndicators lists the indicators v's uploader may choose from: their
// agency's when logged in as an uploader, every one (grouped by agency)
// otherwise, since a token typed in is known only once the form is sent.
func (s *Server) withIndicators(c *gin.Context, v *uploadView) {
	agency := ""
	if v.By != nil {
		agency = v.By.UploadAgency()
	}
	s.indicatorChoice(c, v, agency)
}

func (s *Server) indicatorChoice(c *gin.Context, v *uploadView, agency string) {
	cat, err := s.store.Catalog(c.Request.Context())
	if err != nil {
		s.log.Error("upload page: catalogue", "err", err)
		return
	}
	groups := map[string]*indicatorGroup{}
	for _, ind := range cat.Indicators {
		if agency != "" && ind.AgencyCode != agency {
			continue
		}
		g := groups[ind.AgencyCode]
		if g == nil {
			g = &indicatorGroup{Agency: cmp.Or(cat.Agencies[ind.AgencyCode].Name, ind.AgencyCode, v.T["noAgency"])}
			groups[ind.AgencyCode] = g
		}
		g.Items = append(g.Items, option{Value: ind.Code, Label: ind.Name(v.Lang), Selected: ind.Code == v.Params["indicator"]})
	}
	v.Indicators = v.Indicators[:0]
	for _, g := range groups {
		slices.SortFunc(g.Items, func(a, b option) int { return cmp.Compare(a.Label, b.Label) })
		v.Indicators = append(v.Indicators, *g)
	}
	slices.SortFunc(v.Indicators, func(a, b indicatorGroup) int { return cmp.Compare(a.Agency, b.Agency) })
}

func (s *Server) newUploadView(c *gin.Context) *uploadView {
	l := lang(c)
	v := &uploadView{Lang: l, Other: l.Other(), T: uploadTexts[l], X: templateTexts[l], Params: map[string]string{}, MaxMB: (s.uploads.maxBytes + 1<<20 - 1) >> 20, Theme: theme(c),
		ReviewRequired: s.requireReview}
	// The other language's link keeps a form's choices; a page that
	// answers a POST links to the empty form.
	v.OtherURL = "/unggah?lang=" + string(v.Other)
	if c.Request.Method == http.MethodGet {
		q := c.Request.URL.Query()
		q.Set("lang", string(v.Other))
		v.OtherURL = c.Request.URL.Path + "?" + q.Encode()
	}
	if p := principal(c); p.LoggedIn() && p.CanUpload() {
		v.By = &p
		if cat, err := s.store.Catalog(c.Request.Context()); err == nil {
			v.AgencyName = cat.Agencies[p.AgencyCode].Name
		}
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
	if tooLarge(err) {
		v.Error = fmt.Sprintf(v.T["tooLarge"], v.MaxMB)
		c.Header("Connection", "close")
		s.renderPage(c, http.StatusRequestEntityTooLarge, uploadFrame, "upload.html", v)
		return
	}
	if err != nil {
		s.showProblem(c, uploadFrame, "upload.html", v, err, pageWords{internal: v.T["internal"], known: knownMessage})
		return
	}
	defer u.close()
	for _, k := range uploadParams {
		v.Params[k] = u.param(k)
	}
	by, ok := s.pageUploader(c, v, u.param("token"))
	if !ok {
		return
	}
	id, f, err := s.uploads.pending.put(u.file, pendingFile{filename: u.filename, by: by, params: v.Params})
	if tooLarge(err) {
		v.Error = fmt.Sprintf(v.T["tooLarge"], v.MaxMB)
		s.renderPage(c, http.StatusRequestEntityTooLarge, uploadFrame, "upload.html", v)
		return
	}
	if err != nil {
		s.showProblem(c, uploadFrame, "upload.html", v, err, pageWords{internal: v.T["internal"]})
		return
	}
	s.previewPending(c, v, id, f)
}

// previewPending shows the dry run of a pending file: kept for confirming
// when accepted, or for choosing its indicator when that is all it lacks;
// otherwise deleted.
func (s *Server) previewPending(c *gin.Context, v *uploadView, id string, f pendingFile) {
	if s.importPending(c, v, &f, true) || (v.Refusal != nil && v.Refusal.ChooseIndicator) {
		s.uploads.pending.keep(id, f)
		v.Pending = id
	} else {
		s.uploads.pending.drop(id)
		os.Remove(f.path)
	}
	if v.Refusal != nil && v.Refusal.ChooseIndicator {
		s.indicatorChoice(c, v, f.by.UploadAgency())
	}
	s.renderPage(c, v.status, uploadFrame, "upload.html", v)
}

// chooseIndicatorPage answers POST /unggah/indikator: a wide table that
// named no indicator, checked again, as it was sent, with the one chosen
// on the refusal (the file waits server-side as a preview does).
func (s *Server) chooseIndicatorPage(c *gin.Context) {
	v := s.newUploadView(c)
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 64<<10)
	id := c.PostForm("pending")
	f, ok := s.uploads.pending.take(id)
	if !ok {
		v.Error = v.T["expired"]
		s.renderPage(c, http.StatusGone, uploadFrame, "upload.html", v)
		return
	}
	if err := s.stillUploader(c, f.by); err != nil {
		os.Remove(f.path)
		s.showProblem(c, uploadFrame, "upload.html", v, err, pageWords{internal: v.T["internal"], known: knownMessage})
		return
	}
	f.params = maps.Clone(f.params)
	f.params["indicator"] = strings.TrimSpace(c.PostForm("indicator"))
	s.previewPending(c, v, id, f)
}

// pageUploader decides who sends a file through the page: the logged-in
// person when they may upload, else the agency token typed in. When
// neither will do it shows the page saying why and reports false.
func (s *Server) pageUploader(c *gin.Context, v *uploadView, token string) (domain.Principal, bool) {
	if v.By != nil && token == "" {
		return *v.By, true
	}
	if p := principal(c); token == "" && p.LoggedIn() {
		v.Error = fmt.Sprintf(v.T["role"], p.Role)
		s.renderPage(c, http.StatusForbidden, uploadFrame, "upload.html", v)
		return domain.Principal{}, false
	}
	tok, err := s.token(c, token)
	if err != nil {
		s.showProblem(c, uploadFrame, "upload.html", v, err, pageWords{internal: v.T["internal"], known: func(_ error, status int) (string, bool) {
			return v.T["badToken"], status == http.StatusUnauthorized
		}})
		return domain.Principal{}, false
	}
	return tokenPrincipal(tok), true
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
	// The preview's parameters, and the sender's confirmation of its
	// warnings (the box ticked in the preview).
	f.params = maps.Clone(f.params)
	f.params["confirm_warnings"] = c.PostForm("confirm_warnings")
	if err := s.stillUploader(c, f.by); err != nil {
		s.showProblem(c, uploadFrame, "upload.html", v, err, pageWords{internal: v.T["internal"], known: knownMessage})
		return
	}
	s.importPending(c, v, &f, false)
	if v.Confirmed && v.Submission == nil {
		v.Links = f.links
	}
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
func (s *Server) importPending(c *gin.Context, v *uploadView, f *pendingFile, dryRun bool) bool {
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
	v.Confirm, v.CT = len(res.Warnings)+res.MoreWarnings, changesTexts[v.Lang]
	if cat, cerr := s.store.Catalog(c.Request.Context()); cerr == nil && dryRun {
		v.Names, f.links = changeNames(cat, v.Changes, v.Lang, "", -1)
	}
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
	case res.NeedsConfirmation:
		v.status, v.Error = http.StatusUnprocessableEntity, domain.Message(err)
	case errors.Is(err, domain.ErrInvalid) && ingest.FileProblem(err) != "":
		v.status, v.Refusal = http.StatusUnprocessableEntity, refusalOf(v.T, ingest.FileProblem(err), domain.Message(err))
	case errors.Is(err, domain.ErrInvalid) && len(a.Errors) == 0:
		// Refused for a reason no row carries (an option that names nothing
		// known, a rule over the whole file): its own message says which.
		v.status, v.Refusal = http.StatusUnprocessableEntity, refusalOf(v.T, "other", domain.Message(err))
	case errors.Is(err, domain.ErrInvalid):
		v.status, v.Error = http.StatusUnprocessableEntity, v.T["rejected"]
	default:
		v.status = s.putProblem(c, v, err, pageWords{internal: v.T["internal"]})
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
		r.NewWord, r.KeptWord = lang.Get("upload.new"), lang.Get("changes.kept")
		if ch.Kind == importer.KindChanged {
			r.What, r.Kept, r.Details = ch.Attrs.Describe(lang), ch.Attrs&domain.AttrValue == 0, changeDetails(lang, ch)
			if !r.Kept && ch.Attrs != domain.AttrValue {
				r.Also = r.What
			}
		}
		out = append(out, r)
	}
	return out
}

// changeDetails spells out each attribute other than the value that a
// change changes, old → new.
func changeDetails(lang locale.Lang, ch importer.Change) []string {
	var out []string
	word := func(a string) string { return lang.Get("changes.attr_" + a) }
	if ch.Attrs&domain.AttrStatus != 0 {
		out = append(out, word("status")+": "+statusWord(lang, ch.OldStatus)+" → "+statusWord(lang, ch.Status))
	}
	if ch.Attrs&domain.AttrBreak != 0 && ch.OldBreak != nil {
		yes := map[bool]string{true: "✓", false: "–"}
		out = append(out, word("break")+": "+yes[*ch.OldBreak]+" → "+yes[ch.NewBreak])
	}
	if ch.Attrs&domain.AttrNote != 0 && ch.OldNote != nil {
		out = append(out, word("note")+": “"+*ch.OldNote+"” → “"+ch.NewNote+"”")
	}
	return out
}

// statusWord is a status in words (final, sementara, revisi).
func statusWord(lang locale.Lang, st domain.Status) string {
	if id := "ingest.status_" + string(st); lang.Has(id) {
		return lang.Get(id)
	}
	return string(st)
}

// rangeText formats a value, or a target's range low–high.
func rangeText(lang locale.Lang, low float64, high *float64) string {
	if high == nil {
		return progress.FormatNumberTrim(lang, low, 6)
	}
	return progress.FormatNumberTrim(lang, low, 6) + "–" + progress.FormatNumberTrim(lang, *high, 6)
}

// setProblem shows a failure's message where the page's own refusals go.
func (v *uploadView) setProblem(msg string) { v.Error = msg }

// useNonce gives upload.html the nonce of its inline style and its
// script; the page has a strict security policy of its own (uploadFrame).
func (v *uploadView) useNonce(nonce string) {
	v.Nonce = nonce
	v.ScriptURL = chart.UploadURL
}

// templateTexts are the words of the templates (their link, the sheet field).
var templateTexts = locale.Sections("xlsx.template")

// uploadTexts are the upload page's strings: its section, and the
// refusals, the technical fold and the typing form ("unggah.").
var uploadTexts = func() map[locale.Lang]map[string]string {
	out := locale.Sections("upload")
	for l, m := range locale.Sections("unggah") {
		maps.Copy(out[l], m)
	}
	return out
}()

// techRow is one line of the "Detail teknis" fold.
type techRow struct {
	Label, Value string
	// Code: the value is written as code (a fingerprint, a command).
	Code bool
}

// Technical is what the reader detected, in words, then the technical
// names: the fold a clerk may skip and IT staff may need.
func (v *uploadView) Technical() []techRow {
	t := v.T
	var rows []techRow
	if v.Refusal != nil && v.Refusal.Detail != "" {
		rows = append(rows, techRow{Label: t["reason"], Value: v.Refusal.Detail})
	}
	if v.Answer == nil {
		return rows
	}
	if d := v.Answer.Dialect; d != nil && d.Layout != "" {
		delim := d.Delimiter
		if delim == "\t" {
			delim = t["tab"]
		}
		dec := t["from_none"]
		switch d.Decimal {
		case ingest.DecimalComma:
			dec = t["comma"]
		case ingest.DecimalPoint:
			dec = t["point"]
		}
		from := ""
		switch {
		case d.DecimalFrom == "stated":
			from = t["from_stated"]
		case strings.HasPrefix(d.DecimalFrom, "line "):
			from = fmt.Sprintf(t["from_line"], strings.TrimPrefix(d.DecimalFrom, "line "))
		case d.DecimalFrom == "whole numbers":
			from = t["from_whole"]
		case d.DecimalFrom == "layout":
			from = t["from_layout"]
		}
		if from != "" && d.Decimal != "" {
			dec += ", " + from
		}
		enc := d.Encoding
		if d.BOM {
			enc += " (BOM)"
		}
		rows = append(rows, techRow{Label: t["t_layout"], Value: cmp.Or(t["layout_"+d.Layout], d.Layout) + " · " + d.Layout})
		if d.Format != "" {
			// A workbook has no delimiter or encoding, and its numbers need no convention.
			rows = append(rows, techRow{Label: v.X["workbook"], Value: strings.Join(d.Sheets, ", "), Code: true})
		} else {
			rows = append(rows,
				techRow{Label: t["t_delimiter"], Value: delim, Code: true},
				techRow{Label: t["t_decimal"], Value: dec},
				techRow{Label: t["t_encoding"], Value: enc})
		}
		if d.HeaderLine > 0 {
			rows = append(rows, techRow{Label: t["t_header"], Value: fmt.Sprint(d.HeaderLine)})
		}
		if cols := d.PercentColumns(); cols != "" {
			rows = append(rows, techRow{Label: t["t_percent"], Value: fmt.Sprintf(t["t_percentCells"], cols)})
		}
		cli := "pantau import --dry-run"
		if d.Decimal != "" {
			cli += " --decimal " + string(d.Decimal)
		}
		if ind := v.Params["indicator"]; ind != "" {
			cli += " --indicator " + ind
		}
		if sheet := v.Params["sheet"]; sheet != "" {
			cli += " --sheet " + strconv.Quote(sheet)
		}
		rows = append(rows, techRow{Label: t["t_cli"], Value: cli + " " + cmp.Or(v.Filename, "FILE"), Code: true})
	}
	if v.Answer.SHA256 != "" {
		rows = append(rows, techRow{Label: t["t_sha"], Value: v.Answer.SHA256, Code: true})
	}
	return rows
}

// The small-agency form (/unggah/isian): one indicator, one year, a row per
// region of the instance (its home region and the regions right below it)
// with the value stored now beside a box for the new one. Sending it makes
// an ordinary upload — a CSV written from the boxes filled in, previewed,
// confirmed all or nothing, kept and in the history like any file — so the
// form needs no import path of its own, and works as a plain HTML form.

// gridView is the form's rows and what they are for.
type gridView struct {
	Indicator, IndicatorName, Unit string
	Year                           int
	Years                          []int
	Rows                           []gridRow
	// Example is a number written the page language's way, as a hint.
	Example string
}

// gridRow is one region's line of the form.
type gridRow struct {
	Code, Name, Current, Value, Error string
	// Child: a region below the home region, indented under it.
	Child bool
}

// gridField is the form field of a region's new value.
func gridField(code string) string { return "nilai_" + code }

// gridYears are the years the form offers: the last fifteen.
func gridYears(now time.Time) []int {
	var out []int
	for y := now.Year(); y > now.Year()-15; y-- {
		out = append(out, y)
	}
	return out
}

// GridYears are the years the upload page's choice of form offers, and
// DefaultYear the one chosen at first: last year, which agencies usually
// report on.
func (v *uploadView) GridYears() []int { return gridYears(time.Now()) }

// DefaultYear is last year (see GridYears).
func (v *uploadView) DefaultYear() int { return time.Now().Year() - 1 }

// uploadGridPage answers GET /unggah/isian?indicator=&tahun=: the form for
// one indicator and year.
func (s *Server) uploadGridPage(c *gin.Context) {
	v := s.newUploadView(c)
	if err := s.fillGrid(c, v, strings.TrimSpace(c.Query("indicator")), c.Query("tahun"), nil); err != nil {
		s.gridProblem(c, v, err)
		return
	}
	s.renderPage(c, http.StatusOK, uploadFrame, "upload.html", v)
}

// gridProblem shows the form's failure (an unknown indicator, a year out of
// range) on the upload page with its status.
func (s *Server) gridProblem(c *gin.Context, v *uploadView, err error) {
	v.Grid = nil
	s.withIndicators(c, v)
	s.showProblem(c, uploadFrame, "upload.html", v, err, pageWords{internal: v.T["internal"], known: knownMessage})
}

// gridYear reads the year the form is for: a year parseYear accepts and no
// later than next year (the years agencies report on have ended, or are
// ending), or last year when none is given, the year agencies usually
// report on.
func gridYear(raw string, now time.Time) (int, bool) {
	if raw = strings.TrimSpace(raw); raw == "" {
		return now.Year() - 1, true
	}
	y, ok := parseYear(raw)
	return y, ok && y <= now.Year()+1
}

// fillGrid builds the form for code and the year rawYear names (gridYear):
// the instance's regions with their stored values, and (entered != nil)
// the values typed in.
func (s *Server) fillGrid(c *gin.Context, v *uploadView, code, rawYear string, entered map[string]string) error {
	ctx := c.Request.Context()
	cat, err := s.store.Catalog(ctx)
	if err != nil {
		return err
	}
	ind, ok := cat.Indicators[code]
	if !ok {
		return domain.Errorf(domain.ErrNotFound, "%s", fmt.Sprintf(v.T["gridUnknown"], code))
	}
	now := time.Now()
	year, ok := gridYear(rawYear, now)
	if !ok {
		return domain.Errorf(domain.ErrInvalid, "%s", fmt.Sprintf(v.T["gridYear"], strings.TrimSpace(rawYear)))
	}
	g := &gridView{Indicator: code, IndicatorName: ind.Name(v.Lang), Unit: ind.Unit, Year: year, Years: gridYears(now),
		Example: progress.FormatNumber(v.Lang, 9.58, 2)}
	regions, err := s.gridRegions(c)
	if err != nil {
		return err
	}
	values := s.store.StoredValues(ctx)
	for i, r := range regions {
		row := gridRow{Code: r.Code, Name: r.Name, Child: i > 0}
		if val, ok := values.Value(domain.ObservationKey{IndicatorCode: code, RegionCode: r.Code, Year: year}); ok {
			row.Current = progress.FormatNumber(v.Lang, val, ind.Decimals)
		}
		row.Value = entered[r.Code]
		g.Rows = append(g.Rows, row)
	}
	if err := values.Err(); err != nil {
		return err
	}
	v.Grid, v.Params["indicator"] = g, code
	return nil
}

// gridRegions are the regions the form lists: the instance's home region
// and those directly below it (a regency and its kecamatan, a province and
// its regencies; the nation and its provinces when no home is set).
func (s *Server) gridRegions(c *gin.Context) ([]domain.Region, error) {
	ctx := c.Request.Context()
	home, err := s.store.HomeRegion(ctx)
	if err != nil || home == "" {
		home = domain.NationalCode
	}
	top, err := s.store.Region(ctx, home)
	if err != nil {
		return nil, err
	}
	children, err := s.store.Regions(ctx, store.RegionFilter{Parent: home})
	if err != nil {
		return nil, err
	}
	return append([]domain.Region{top}, children...), nil
}

// postGridPage answers POST /unggah/isian: the values typed in become a
// CSV file, previewed as an uploaded one is (then confirmed on
// /unggah/simpan). A box that holds no number is shown again with its
// reason, before anything is read.
func (s *Server) postGridPage(c *gin.Context) {
	v := s.newUploadView(c)
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 1<<20)
	code := strings.TrimSpace(c.PostForm("indicator"))
	entered := map[string]string{}
	regions, err := s.gridRegions(c)
	if err != nil {
		s.gridProblem(c, v, err)
		return
	}
	for _, r := range regions {
		if val := strings.TrimSpace(c.PostForm(gridField(r.Code))); val != "" {
			entered[r.Code] = val
		}
	}
	if err := s.fillGrid(c, v, code, c.PostForm("tahun"), entered); err != nil {
		s.gridProblem(c, v, err)
		return
	}
	year := v.Grid.Year
	v.Params["review"] = c.PostForm("review")
	prefer := ingest.DecimalComma
	if v.Lang == locale.EN {
		prefer = ingest.DecimalPoint
	}
	var csv strings.Builder
	csv.WriteString("kode_wilayah;kode_indikator;tahun;nilai\n")
	bad := false
	for i, row := range v.Grid.Rows {
		if row.Value == "" {
			continue
		}
		val, ok := ingest.ParseTyped(row.Value, prefer)
		if !ok {
			v.Grid.Rows[i].Error, bad = fmt.Sprintf(v.T["gridNotNumber"], row.Value, v.Grid.Example), true
			continue
		}
		fmt.Fprintf(&csv, "%s;%s;%d;%s\n", row.Code, code, year, strconv.FormatFloat(val, 'f', -1, 64))
	}
	switch {
	case bad:
		v.Error = v.T["gridFix"]
	case len(entered) == 0:
		v.Error = v.T["gridEmpty"]
	}
	if v.Error != "" {
		s.renderPage(c, http.StatusUnprocessableEntity, uploadFrame, "upload.html", v)
		return
	}
	by, ok := s.pageUploader(c, v, strings.TrimSpace(c.PostForm("token")))
	if !ok {
		return
	}
	params := map[string]string{"decimal": "point", "review": v.Params["review"]}
	name := fmt.Sprintf("isian-%s-%d.csv", code, year)
	id, f, err := s.uploads.pending.put(strings.NewReader(csv.String()), pendingFile{filename: name, by: by, params: params})
	if err != nil {
		s.showProblem(c, uploadFrame, "upload.html", v, err, pageWords{internal: v.T["internal"]})
		return
	}
	v.Grid = nil
	s.previewPending(c, v, id, f)
}

// changesTexts are the words of the page's changes and warnings
// (templates/upload_changes.html).
var changesTexts = locale.Sections("changes")
