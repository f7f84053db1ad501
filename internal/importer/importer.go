// Package importer is the one path a file takes into the store, shared by
// `pantau import`, the upload API and page, and the demo: read and validate
// it with ingest against the current catalogue, stream the valid rows into
// the store, and reject everything when any row is bad. An accepted file is
// kept byte for byte with its SHA-256, and every stored value with its line,
// so any value can be traced to where it came from.
package importer

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"slices"
	"strings"

	"pantau/internal/domain"
	"pantau/internal/ingest"
	"pantau/internal/locale"
	"pantau/internal/store"
)

// Request describes one file to import.
type Request struct {
	Upload  domain.Upload
	Targets bool
	DryRun  bool
	Options ingest.Options
	// Agency, when set, limits the upload to the indicators assigned to
	// that agency: a row of any other indicator fails the whole upload with
	// ErrForbidden, and nothing is stored. Empty means no limit (the
	// operator's command line, the demo).
	Agency string
	// Scope, with Agency, limits the upload to the regions and plans the
	// token or account may write: a value of a region outside its
	// territory, or a target of a plan it does not own, fails the whole
	// upload with ErrForbidden naming them (domain.Scope).
	Scope domain.Scope
	// Preview caps each list of a dry run's Changes (new values, changed
	// values); 0 means DefaultPreview, negative means no list.
	Preview int
	// PreviewOnly, when set, limits a dry run's Changes to the keys it
	// accepts (the counts still cover the whole file).
	PreviewOnly func(domain.ObservationKey) bool
	// CheckFirst reads the whole file once, against the catalogue and the
	// agency's gate only, before the import's transaction begins: a refused
	// file never takes the import lock, and the transaction only writes.
	// It needs a reader that can go back (io.Seeker: a spooled upload);
	// for any other it does nothing.
	CheckFirst bool
	// Review sends the file to the walidata instead of storing it: it is
	// checked exactly as an import would be (a dry run), then kept as a
	// submission, and nothing of it is public until Publish. With DryRun it
	// is only the check.
	Review bool
	// ConfirmRequired refuses (ErrInvalid, Result.NeedsConfirmation) to
	// store or submit a file with plausibility warnings or broken rules
	// unless ConfirmWarnings says the sender has checked them: the API and
	// the page ask for it; the command line and the demo do not.
	ConfirmRequired bool
	ConfirmWarnings bool
	// publishes is the submission this import publishes (see Publish).
	publishes *store.Publication
}

// mode is what an import does with the file it reads. Callers say it with
// DryRun and Review; Import reads them once, and submissions' previews ask
// for modePreview, which callers cannot.
type mode int

const (
	// modeStore writes the rows as a new data version and keeps the file.
	modeStore mode = iota
	// modeDryRun reads the stored values only, as modePreview does: it
	// takes no write lock and no transaction, so a dry run (however slow
	// its sender) never holds up another agency's upload.
	modeDryRun
	// modeSubmit is a dry run whose file is then kept as a submission for
	// review; it lists no changes.
	modeSubmit
	// modePreview reads the stored values only, never the store's import
	// path: no transaction, no import lock (previews of submissions, which
	// people open at will).
	modePreview
	// modeCheck is CheckFirst's pass: the reader and the gate, no stored
	// values (no plausibility warnings, no rules), nothing written.
	modeCheck
)

// mode reads the request's flags: Review without DryRun submits, DryRun
// alone (or with Review: only the check) is a dry run.
func (req Request) mode() mode {
	switch {
	case req.Review && !req.DryRun:
		return modeSubmit
	case req.DryRun:
		return modeDryRun
	}
	return modeStore
}

// writes reports whether the rows are stored; every other mode is a dry run
// to the store.
func (m mode) writes() bool { return m == modeStore }

// keepsFile reports whether the bytes read are kept: as the upload's file,
// or as the submission's.
func (m mode) keepsFile() bool { return m == modeStore || m == modeSubmit }

// compares reports whether rows are compared with the stored values.
func (m mode) compares() bool { return m != modeStore && m != modeCheck }

// kind is what the file holds.
func (req Request) kind() domain.UploadKind {
	if req.Targets {
		return domain.UploadTargets
	}
	return domain.UploadObservations
}

// DefaultPreview is how many new and how many changed values a dry run lists.
const DefaultPreview = 200

// Result is what happened: the upload (id, counts) and what the reader found.
type Result struct {
	Upload domain.Upload  `json:"upload"`
	Report *ingest.Report `json:"report"`
	// Accepted is false when the file was rejected; nothing was stored then.
	Accepted bool `json:"accepted"`
	DryRun   bool `json:"dry_run"`
	// SHA256 and Size identify the bytes read (kept when accepted).
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	// Forbidden lists the file's indicators the agency may not write.
	Forbidden []string `json:"forbidden,omitempty"`
	// Changes is a dry run's preview: values that would be new and values
	// that would change, with the value they replace (observations only).
	Changes []Change `json:"changes,omitempty"`
	// MoreChanges counts new or changed values beyond those listed.
	MoreChanges int `json:"more_changes,omitempty"`
	// Submission is the submission a file sent for review became.
	Submission *domain.Submission `json:"submission,omitempty"`
	// NothingToReview says a file sent for review was not kept: every
	// value in it is stored already.
	NothingToReview bool `json:"nothing_to_review,omitempty"`
	// Warnings are the values found implausible and the validation rules
	// broken, at most maxWarnings; MoreWarnings counts the rest.
	Warnings     []Warning `json:"warnings,omitempty"`
	MoreWarnings int       `json:"more_warnings,omitempty"`
	// RuleErrors are the validation rules of error severity the file
	// breaks: it is rejected.
	RuleErrors []ingest.RowError `json:"rule_errors,omitempty"`
	// NeedsConfirmation says the file was refused only for its warnings:
	// sent again with ConfirmWarnings it goes through.
	NeedsConfirmation bool `json:"needs_confirmation,omitempty"`
}

// Change is one value a dry run would write. A changed value says which of
// its attributes change (Changed); the old and new of each are given
// whether or not it is among them, so a reader sees what stays too.
type Change struct {
	domain.ObservationKey
	// Kind is "new" or "changed".
	Kind string `json:"kind"`
	// Line is the value's line in the file.
	Line      int           `json:"line"`
	Old       *float64      `json:"old_value,omitempty"`
	OldStatus domain.Status `json:"old_status,omitempty"`
	New       float64       `json:"new_value"`
	Status    domain.Status `json:"new_status,omitempty"`
	// OldNote and OldBreak are the stored value's (nil for a new value).
	OldNote  *string `json:"old_note,omitempty"`
	NewNote  string  `json:"new_note"`
	OldBreak *bool   `json:"old_break,omitempty"`
	NewBreak bool    `json:"new_break"`
	// OldUnit and NewUnit are the unit of the stored and the new value:
	// the indicator's, both, since a file stating another unit is refused.
	OldUnit string `json:"old_unit,omitempty"`
	NewUnit string `json:"new_unit,omitempty"`
	// Changed lists what a changed value changes: value, status, break,
	// note (see domain.Attr.Names); Attrs is the same as a set.
	Changed []string    `json:"changed,omitempty"`
	Attrs   domain.Attr `json:"-"`
	// Plan, OldHigh and High are a target's: its plan, and the upper ends
	// of ranges (Old and New then hold the lower ends).
	Plan    string   `json:"plan,omitempty"`
	OldHigh *float64 `json:"old_high,omitempty"`
	High    *float64 `json:"new_high,omitempty"`
}

// Change kinds.
const (
	KindNew     = "new"
	KindChanged = "changed"
)

// Import reads r and stores its rows. A rejected file returns the result with
// its report and an ErrInvalid error listing the rows; a file with another
// agency's indicators returns ErrForbidden. Nothing is written then.
//
// Region names are resolved inside the instance's home region (as `pantau
// init` or the demo stored it) unless the request names a territory.
func Import(ctx context.Context, st *store.Store, r io.Reader, req Request) (Result, error) {
	if req.Options.Territory == "" {
		home, err := st.HomeRegion(ctx)
		switch {
		case err == nil:
			req.Options.Territory = home
		case !errors.Is(err, domain.ErrNotFound):
			return Result{}, err
		}
	}
	m := req.mode()
	if rs, ok := r.(io.Seeker); ok && req.CheckFirst && m == modeStore {
		if res, err := importAs(ctx, st, r, req, modeCheck); err != nil {
			return res, err
		}
		if _, err := rs.Seek(0, io.SeekStart); err != nil {
			return Result{}, fmt.Errorf("importer: read the file again: %w", err)
		}
	}
	return importAs(ctx, st, r, req, m)
}

// importAs is Import in mode m; replaying a submission picks its mode.
func importAs(ctx context.Context, st *store.Store, r io.Reader, req Request, m mode) (Result, error) {
	res := Result{DryRun: m == modeDryRun || m == modePreview}
	if m == modeSubmit {
		req.Preview = -1 // the walidata previews a submission when reviewing it
	}
	cat, err := st.Catalog(ctx)
	if err != nil {
		return res, err
	}
	if req.Options.Lang != locale.EN {
		req.Options.Lang = locale.ID
	}
	// The bytes are hashed as the reader reads them and, when they are kept,
	// copied to a temporary file that the store keeps once the rows are in:
	// the file is read once, and never held whole in memory.
	src := newSource(ctx, r, m.keepsFile())
	defer src.close()
	values := st.StoredValues(ctx)
	// The check pass looks for refusals; the warnings that compare with
	// the stored values come with the import's own pass.
	if req.Options.Previous == nil && m != modeCheck {
		req.Options.Previous = values.Value
	}
	j := &job{ctx: ctx, st: st, req: req, mode: m, cat: cat, src: src, values: values, res: res,
		gate: newGate(cat, req), pv: newPreview(req, m, values, st.StoredTargets(ctx))}
	j.pv.cat = cat
	j.plaus, j.rules = newPlausibility(req.Options.Lang, cat, values), newRuleCheck(cat)
	if req.Targets {
		j.res.Upload, err = j.targets()
	} else {
		j.res.Upload, err = j.observations()
	}
	return j.conclude(err)
}

// job is one file on its way through Import.
type job struct {
	ctx    context.Context
	st     *store.Store
	req    Request
	mode   mode
	cat    *domain.Catalog
	src    *source
	values *store.StoredValues
	gate   *gate
	pv     *preview
	plaus  *plausibility
	rules  *ruleCheck
	res    Result
}

// storeOptions says how the store takes the rows.
func (j *job) storeOptions() store.ImportOptions {
	// The reader refuses a file naming a key twice (ingest's duplicate
	// check, on the keys it resolved): the store need not look again.
	opts := store.ImportOptions{DryRun: !j.mode.writes(), Publishes: j.req.publishes, KeysDistinct: true}
	if j.mode.writes() {
		opts.File = j.keptFile
	}
	return opts
}

// keptFile is the file as the store keeps it, with how it was read.
func (j *job) keptFile() (store.UploadFile, error) {
	f, err := j.src.file()
	if err != nil {
		return f, err
	}
	if j.res.Report != nil {
		f.Dialect, _ = json.Marshal(j.res.Report.Dialect)
	}
	f.Lang = j.req.Options.Lang
	return f, nil
}

// observations reads an observations file into the store (or, previewing,
// nowhere).
func (j *job) observations() (domain.Upload, error) {
	read := func(emit func(domain.Observation) error) (domain.Counts, error) {
		return j.finish(ingest.ReadObservations(j.src, j.cat, j.req.Options, func(o domain.Observation) error {
			if !j.gate.allow(o.IndicatorCode, o.RegionCode, "") {
				return nil
			}
			j.pv.add(o)
			if j.mode != modeCheck { // the import's own pass weighs the values
				j.plaus.check(o)
				j.rules.add(o)
			}
			return emit(o)
		}))
	}
	if !j.mode.writes() {
		return j.pv.readOnly(j.req.Upload, domain.UploadObservations, func() (domain.Counts, error) {
			return read(func(domain.Observation) error { return nil })
		})
	}
	return j.st.ImportObservations(j.ctx, j.req.Upload, read, j.storeOptions())
}

// targets is observations for a targets file.
func (j *job) targets() (domain.Upload, error) {
	read := func(emit func(domain.Target) error) (domain.Counts, error) {
		return j.finish(ingest.ReadTargets(j.src, j.cat, j.req.Options, func(t domain.Target) error {
			if !j.gate.allow(t.IndicatorCode, t.RegionCode, t.PlanCode) {
				return nil
			}
			j.pv.addTarget(t)
			return emit(t)
		}))
	}
	if !j.mode.writes() {
		return j.pv.readOnly(j.req.Upload, domain.UploadTargets, func() (domain.Counts, error) {
			return read(func(domain.Target) error { return nil })
		})
	}
	return j.st.ImportTargets(j.ctx, j.req.Upload, read, j.storeOptions())
}

// finish turns the reader's report into the store's counts and decides
// whether the upload goes through.
func (j *job) finish(rep *ingest.Report, err error) (domain.Counts, error) {
	j.res.Report = rep
	c := domain.Counts{}
	if rep != nil {
		c.Missing, c.Rejected = rep.Missing, rep.Rejected()
	}
	if err != nil {
		return c, err
	}
	if err := j.gate.err(j.req.Options.Lang); err != nil {
		return c, err
	}
	if err := j.values.Err(); err != nil {
		return c, err
	}
	if err := j.pv.targets.Err(); err != nil {
		return c, err
	}
	if err := rep.Err(); err != nil {
		return c, err
	}
	if j.mode == modeCheck {
		// Refusals of the file itself only: rules and warnings compare
		// with the stored values, in the import's own pass, which answers
		// as it always has (a full disk before an unconfirmed warning).
		return c, nil
	}
	if j.res.RuleErrors = j.rules.run(j.plaus, j.values); len(j.res.RuleErrors) > 0 {
		return c, &domain.Error{Kind: domain.ErrInvalid, Message: j.req.Options.Lang.Get("changes.ruleStop", len(j.res.RuleErrors))}
	}
	if err := j.values.Err(); err != nil {
		return c, err
	}
	return c, j.confirmed()
}

// confirmed refuses to store or submit a file with warnings its sender
// has not confirmed (when the caller asks for confirmation). Publishing
// a submission needs none: its sender confirmed it when submitting.
func (j *job) confirmed() error {
	n := j.plaus.count
	if n == 0 || !j.req.ConfirmRequired || j.req.ConfirmWarnings || j.req.publishes != nil || j.res.DryRun {
		return nil
	}
	j.res.NeedsConfirmation = true
	return &domain.Error{Kind: domain.ErrInvalid, Message: j.req.Options.Lang.Get("changes.confirmNeeded", n)}
}

// conclude fills the result once the store is done (err is its answer),
// and keeps a file sent for review as a submission.
func (j *job) conclude(err error) (Result, error) {
	res := &j.res
	res.Changes, res.MoreChanges = j.pv.changes, j.pv.more
	res.Warnings, res.MoreWarnings = j.plaus.list, j.plaus.count-len(j.plaus.list)
	res.SHA256, res.Size = j.src.sum(), j.src.n
	res.Forbidden = j.gate.list()
	res.Accepted = err == nil
	if err != nil && !errors.Is(err, domain.ErrInvalid) && !errors.Is(err, domain.ErrForbidden) {
		return *res, err
	}
	if err != nil || !j.mode.writes() {
		res.Upload.ID = 0 // rolled back: no version was made
	}
	if err != nil {
		res.Changes, res.MoreChanges = nil, 0
		return *res, err
	}
	if j.mode != modeSubmit {
		return *res, nil
	}
	if res.Upload.New+res.Upload.Changed == 0 {
		res.NothingToReview = true
		return *res, nil
	}
	sub, err := j.st.CreateSubmission(j.ctx, submissionOf(j.req, *res), j.keptFile)
	if err != nil {
		return *res, err
	}
	res.Submission = &sub
	return *res, nil
}

// readOptions is how a submitted file is to be read again when it is
// published: what the sender stated about it (the rest is detected).
type readOptions struct {
	Indicator string         `json:"indicator,omitempty"`
	Region    string         `json:"region,omitempty"`
	Plan      string         `json:"plan,omitempty"`
	Decimal   ingest.Decimal `json:"decimal,omitempty"`
	Encoding  string         `json:"encoding,omitempty"`
	// Territory is the one the names were resolved in when it was checked:
	// the file is published as it was reviewed.
	Territory string `json:"territory,omitempty"`
	// Sheet is the workbook sheet read (an .xlsx of several).
	Sheet string `json:"sheet,omitempty"`
	// Scope is the sender's, checked again when it is published.
	Scope domain.Scope `json:"scope,omitzero"`
}

func submissionOf(req Request, res Result) domain.Submission {
	o := req.Options
	opts, _ := json.Marshal(readOptions{Indicator: o.Indicator, Region: o.Region, Plan: o.Plan, Decimal: o.Decimal, Encoding: o.Encoding, Territory: o.Territory, Sheet: o.Sheet, Scope: req.Scope})
	return domain.Submission{Kind: req.kind(), AgencyCode: req.Agency, Filename: req.Upload.Filename, SubmittedBy: req.Upload.CreatedBy,
		Lang: o.Lang, Options: string(opts), Counts: res.Upload.Counts}
}

// Publish makes a submitted upload public: its kept file is imported again,
// against the data and catalogue of now, as an ordinary upload (a new data
// version) sent by the submitter, and the submission is marked published
// by the reviewer in the same transaction. A file that no longer passes
// (a catalogue change, say) is refused with its report, like any upload,
// and stays submitted.
func Publish(ctx context.Context, st *store.Store, id int64, reviewer domain.Principal, lang locale.Lang) (Result, error) {
	if !domain.CanReview(reviewer) {
		return Result{}, domain.Errorf(domain.ErrForbidden, "only the walidata publishes submitted uploads")
	}
	return replay(ctx, st, id, lang, modeStore, func(sub domain.Submission, req *Request) error {
		if err := sub.Move(domain.Published, ""); err != nil {
			return err
		}
		req.publishes = &store.Publication{SubmissionID: id, By: reviewer.Source()}
		return nil
	})
}

// PreviewSubmission is a dry run of a submission's kept file against the
// data of now: what publishing it would change, at most max new and max
// changed values (0: DefaultPreview), of the keys only accepts (nil: all).
func PreviewSubmission(ctx context.Context, st *store.Store, id int64, lang locale.Lang, max int, only func(domain.ObservationKey) bool) (Result, error) {
	return replay(ctx, st, id, lang, modePreview, func(_ domain.Submission, req *Request) error {
		req.Preview, req.PreviewOnly = max, only
		return nil
	})
}

// replay imports a submission's kept file as its sender sent it, in mode m,
// after adjust has set what else differs (preview, publication).
func replay(ctx context.Context, st *store.Store, id int64, lang locale.Lang, m mode, adjust func(domain.Submission, *Request) error) (Result, error) {
	sub, err := st.Submission(ctx, id)
	if err != nil {
		return Result{}, err
	}
	var ro readOptions
	if err := json.Unmarshal([]byte(sub.Options), &ro); err != nil {
		return Result{}, fmt.Errorf("importer: submission %d: options: %w", id, err)
	}
	req := Request{
		Upload:  domain.Upload{Filename: sub.Filename, AgencyCode: sub.AgencyCode, CreatedBy: sub.SubmittedBy},
		Targets: sub.Kind == domain.UploadTargets,
		Options: ingest.Options{Indicator: ro.Indicator, Region: ro.Region, Plan: ro.Plan, Decimal: ro.Decimal, Encoding: ro.Encoding, Territory: ro.Territory, Sheet: ro.Sheet, Lang: lang},
		Agency:  sub.AgencyCode,
		Scope:   ro.Scope,
	}
	if err := adjust(sub, &req); err != nil {
		return Result{}, err
	}
	// The kept file is copied out first: reading its chunks while the
	// import holds a write transaction would need a second connection.
	tmp, err := os.CreateTemp("", "pantau-submission-*")
	if err != nil {
		return Result{}, fmt.Errorf("importer: temporary file: %w", err)
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	// The file is checked against the hash it was submitted with: what is
	// published is exactly what was reviewed.
	h := sha256.New()
	cw := &countingWriter{w: io.MultiWriter(tmp, h)}
	if err := st.CopyUploadFile(ctx, sub.SHA256, cw); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return Result{}, fmt.Errorf("importer: submission %d: its kept file %s is missing: %w", id, sub.SHA256, err)
		}
		return Result{}, err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sub.SHA256 || cw.n != sub.Size {
		return Result{}, fmt.Errorf("importer: submission %d: its kept file is damaged (%d bytes, SHA-256 %s; submitted %d bytes, %s)",
			id, cw.n, got, sub.Size, sub.SHA256)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return Result{}, fmt.Errorf("importer: temporary file: %w", err)
	}
	return importAs(ctx, st, tmp, req, m)
}

// gate keeps an agency to its own indicators, and a token or account to
// its territory and plans. Rows beyond them are not passed on; reading
// goes on so that the error names all of them.
type gate struct {
	agency    string
	scope     domain.Scope
	home      string
	cat       *domain.Catalog
	forbidden map[string]bool
	regions   map[string]bool
	plans     map[string]bool
}

func newGate(cat *domain.Catalog, req Request) *gate {
	return &gate{agency: req.Agency, scope: req.Scope, home: req.Options.Territory, cat: cat,
		forbidden: map[string]bool{}, regions: map[string]bool{}, plans: map[string]bool{}}
}

// allow checks a row of indicator code for region (and, for a target, of
// plan).
func (g *gate) allow(code, region, plan string) bool {
	if g.agency == "" {
		return true
	}
	if g.cat.Indicators[code].AgencyCode != g.agency {
		g.forbidden[code] = true
	}
	// A plan given to the token is its permission for the plan's regions;
	// any other row keeps to the territory.
	if !g.scope.Covers(region) && (plan == "" || !slices.Contains(g.scope.Plans, plan)) {
		g.regions[region] = true
	}
	if plan != "" && !g.plans[plan] && !g.scope.MayWritePlan(g.cat.Plans[plan], g.home) {
		g.plans[plan] = true
	}
	// Once one row is refused the upload fails: pass nothing more on.
	return len(g.forbidden)+len(g.regions)+len(g.plans) == 0
}

func (g *gate) list() []string { return sortedKeys(g.forbidden) }

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for code := range m {
		out = append(out, code)
	}
	slices.Sort(out)
	if len(out) == 0 {
		return nil
	}
	return out
}

func (g *gate) err(lang locale.Lang) error {
	var msgs []string
	if codes := g.list(); len(codes) > 0 {
		msgs = append(msgs, lang.Get("importer.forbidden_indicators", g.agency, strings.Join(codes, ", ")))
	}
	if regions := sortedKeys(g.regions); len(regions) > 0 {
		msgs = append(msgs, lang.Get("scope.forbidden_regions", g.scope.TerritoryText(), strings.Join(firstFew(regions), ", ")))
	}
	if plans := sortedKeys(g.plans); len(plans) > 0 {
		msgs = append(msgs, lang.Get("scope.forbidden_plans", g.agency, strings.Join(plans, ", ")))
	}
	if len(msgs) == 0 {
		return nil
	}
	return &domain.Error{Kind: domain.ErrForbidden, Message: strings.Join(msgs, "; ")}
}

// firstFew bounds a list named in a message: a national file sent with a
// district's token would name thousands of regions.
func firstFew(codes []string) []string {
	const few = 10
	if len(codes) <= few {
		return codes
	}
	return append(codes[:few:few], fmt.Sprintf("… (+%d)", len(codes)-few))
}

// preview classifies a dry run's rows against the stored values (new,
// changed, unchanged: the same rules as the store's) and lists the new and
// changed ones, up to max of each, of the keys only accepts.
type preview struct {
	cat        *domain.Catalog
	values     *store.StoredValues
	targets    *store.StoredTargets
	max        int
	nNew, nChg int
	changes    []Change
	more       int
	off        bool
	only       func(domain.ObservationKey) bool
	total      domain.Counts
}

func newPreview(req Request, m mode, values *store.StoredValues, targets *store.StoredTargets) *preview {
	p := &preview{values: values, targets: targets, max: req.Preview, only: req.PreviewOnly}
	if p.max == 0 {
		p.max = DefaultPreview
	}
	p.off = !m.compares()
	return p
}

func (p *preview) add(o domain.Observation) {
	if p.off {
		return
	}
	c := Change{ObservationKey: o.ObservationKey, Line: o.Line, New: o.Value, Status: o.Status, NewNote: o.Note, NewBreak: o.Break, NewUnit: p.unit(o.IndicatorCode)}
	old, ok := p.values.Get(o.ObservationKey)
	switch {
	case !ok:
		p.total.New++
		c.Kind = KindNew
		if o.Absent&domain.AttrStatus != 0 {
			c.Status = domain.StatusFinal
		}
	case o.Keep(old).SameAs(old):
		p.total.Unchanged++
		return
	default:
		p.total.Changed++
		o = o.Keep(old)
		c.Kind, c.Status, c.NewNote, c.NewBreak = KindChanged, o.Status, o.Note, o.Break
		c.Old, c.OldStatus, c.OldNote, c.OldBreak, c.OldUnit = &old.Value, old.Status, &old.Note, &old.Break, c.NewUnit
		c.Attrs = o.Differs(old)
		c.Changed = c.Attrs.Names()
	}
	p.list(c)
}

// unit is the unit of an indicator's values.
func (p *preview) unit(code string) string {
	if p.cat == nil {
		return ""
	}
	return p.cat.Indicators[code].Unit
}

// addTarget is add for a plan target: a target changes when its value,
// range or note does.
func (p *preview) addTarget(t domain.Target) {
	if p.off {
		return
	}
	c := Change{ObservationKey: t.ObservationKey, Plan: t.PlanCode, New: t.Low, NewNote: t.Note, NewUnit: p.unit(t.IndicatorCode)}
	if t.IsRange() {
		c.High = &t.High
	}
	old, ok := p.targets.Get(t)
	switch {
	case !ok:
		p.total.New++
		c.Kind = KindNew
	case old.Low == t.Low && old.High == t.High && old.Note == t.Note:
		p.total.Unchanged++
		return
	default:
		p.total.Changed++
		c.Kind, c.Old, c.OldNote, c.OldUnit = KindChanged, &old.Low, &old.Note, c.NewUnit
		if old.IsRange() {
			c.OldHigh = &old.High
		}
		if old.Low != t.Low || old.High != t.High {
			c.Attrs |= domain.AttrValue
		}
		if old.Note != t.Note {
			c.Attrs |= domain.AttrNote
		}
		c.Changed = c.Attrs.Names()
	}
	p.list(c)
}

func (p *preview) list(c Change) {
	if p.max < 0 || (p.only != nil && !p.only(c.ObservationKey)) {
		return
	}
	n := &p.nNew
	if c.Kind == KindChanged {
		n = &p.nChg
	}
	if *n >= p.max {
		p.more++
		return
	}
	*n++
	p.changes = append(p.changes, c)
}

// readOnly runs read (the file through the reader, the gate and the
// preview, rows going nowhere) and returns the upload with the counts the
// store would have made.
func (p *preview) readOnly(up domain.Upload, kind domain.UploadKind, read func() (domain.Counts, error)) (domain.Upload, error) {
	c, err := read()
	c.New, c.Changed, c.Unchanged = p.total.New, p.total.Changed, p.total.Unchanged
	up.Kind, up.Counts = kind, c
	return up, err
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// source is the upload's bytes as the reader reads them: hashed, counted
// and, when the file is to be kept, copied to an unlinked temporary file.
type source struct {
	// ctx stops the reading when the import is cancelled (its client is
	// gone): the passes that hold no transaction would read on otherwise.
	ctx  context.Context
	r    io.Reader
	h    hash.Hash
	n    int64
	tmp  *os.File
	w    *bufio.Writer
	werr error
}

func newSource(ctx context.Context, r io.Reader, keep bool) *source {
	s := &source{ctx: ctx, r: r, h: sha256.New()}
	if keep {
		f, err := os.CreateTemp("", "pantau-upload-*")
		if err != nil {
			s.werr = fmt.Errorf("importer: temporary file: %w", err)
			return s
		}
		s.tmp, s.w = f, bufio.NewWriterSize(f, 256<<10)
	}
	return s
}

func (s *source) Read(p []byte) (int, error) {
	if err := s.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := s.r.Read(p)
	if n > 0 {
		s.h.Write(p[:n])
		s.n += int64(n)
		if s.w != nil && s.werr == nil {
			_, s.werr = s.w.Write(p[:n])
		}
	}
	return n, err
}

func (s *source) sum() string { return hex.EncodeToString(s.h.Sum(nil)) }

// file reads whatever the reader left unread (so the hash covers the whole
// file) and returns the copy for the store to keep.
func (s *source) file() (store.UploadFile, error) {
	if _, err := io.Copy(io.Discard, s); err != nil {
		return store.UploadFile{}, fmt.Errorf("importer: read upload: %w", err)
	}
	if s.werr == nil && s.w != nil {
		s.werr = s.w.Flush()
	}
	if s.werr == nil && s.tmp != nil {
		_, s.werr = s.tmp.Seek(0, io.SeekStart)
	}
	if s.werr != nil {
		return store.UploadFile{}, fmt.Errorf("importer: keep upload: %w", s.werr)
	}
	f := store.UploadFile{SHA256: s.sum(), Size: s.n}
	if s.tmp != nil {
		f.Content = io.LimitReader(s.tmp, s.n)
	}
	return f, nil
}

func (s *source) close() {
	if s.tmp != nil {
		s.tmp.Close()
		os.Remove(s.tmp.Name())
	}
}
