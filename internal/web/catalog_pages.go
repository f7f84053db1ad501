package web

import (
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"pantau/internal/catalogfile"
	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/locale"
	"pantau/internal/progress"
	"pantau/internal/store"
)

// The catalogue pages (/admin/katalog…): indicators, plans, regions and
// agencies for administrators, as plain forms that work without script.
// Every change is a one-entry catalogue given to importer.ApplyCatalog,
// the path of `pantau catalog import`: all-or-nothing, a revision and an
// audit entry by the administrator. The routes put requireLogin and
// requireAdminPage in front of every handler here, and csrfProtect
// demotes a form without the session's token to the public's.

// catalogFrame: the catalogue pages, in the administration pages' frame.
var catalogFrame = frame{policy: adminFrame.policy, private: true, layout: catalogLayout}

// catalogTexts are the administration pages' texts with the catalogue
// pages' own, per language.
var catalogTexts = func() map[locale.Lang]map[string]string {
	out := map[locale.Lang]map[string]string{}
	for _, l := range locale.Langs {
		out[l] = maps.Clone(adminPageTexts[l])
		maps.Copy(out[l], l.Section("katalog"))
	}
	return out
}()

// catalogLayout is adminLayout with the catalogue's words, its section
// (for the sub-navigation) and the theme (?theme=dark).
func catalogLayout(s *Server, c *gin.Context, name string, data map[string]any) string {
	nonce := adminLayout(s, c, name, data)
	t := catalogTexts[lang(c)]
	data["T"] = t
	data["Title"] = t[strings.TrimSuffix(name, ".html")+"Title"]
	data["Theme"] = theme(c)
	if key := c.Query("ok"); key != "" && t["ok_"+key] != "" {
		data["Done"] = t["ok_"+key]
	}
	return nonce
}

// applyCatalog gives the catalogue to the importer as the administrator.
func (s *Server) applyCatalog(c *gin.Context, cat *catalogfile.Catalogue, dryRun bool) (importer.CatalogResult, error) {
	return importer.ApplyCatalog(c.Request.Context(), s.store, importer.CatalogRequest{Catalogue: cat,
		Filename: "/admin/katalog", By: principal(c).String(), DryRun: dryRun, Lang: lang(c)})
}

// catalogProblem is a refused form's status and message: the catalogue's
// own problems in the page's language, the rest as the admin pages say them.
func (s *Server) catalogProblem(c *gin.Context, err error) (int, string) {
	var probs catalogfile.Problems
	if errors.As(err, &probs) {
		msgs := make([]string, len(probs))
		for i, p := range probs {
			msgs[i] = p.Message
		}
		return http.StatusUnprocessableEntity, strings.Join(msgs, "; ")
	}
	var fe formError
	if errors.As(err, &fe) {
		return http.StatusUnprocessableEntity, fe.msg
	}
	return s.problem(c, err, adminWords(lang(c)))
}

// formError is a form field the page could not read, said in its language.
type formError struct{ msg string }

func (e formError) Error() string { return e.msg }
func (e formError) Unwrap() error { return domain.ErrInvalid }

// fieldError names the field by its label.
func fieldError(l locale.Lang, field, key string, args ...any) error {
	return formError{msg: l.Get("katalog.f_"+field) + ": " + l.Get("katalog."+key, args...)}
}

// number reads a form number with a decimal comma or point; "" is nil.
func number(l locale.Lang, field, raw string) (*float64, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, nil
	}
	v, err := strconv.ParseFloat(strings.Replace(raw, ",", ".", 1), 64)
	if err != nil || strings.Count(raw, ",")+strings.Count(raw, ".") > 1 {
		return nil, fieldError(l, field, "notNumber", raw)
	}
	return &v, nil
}

// integer reads a form whole number; "" is def.
func integer(l locale.Lang, field, raw string, def int) (int, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return def, nil
	}
	v, err := strconv.Atoi(raw)
	if err != nil {
		return 0, fieldError(l, field, "notWhole", raw)
	}
	return v, nil
}

// formYear reads a form year ("" is 0, no year given), a year parseYear
// accepts.
func formYear(l locale.Lang, field, raw string) (int, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return 0, nil
	}
	y, ok := parseYear(raw)
	if !ok {
		return 0, fieldError(l, field, "notYear", raw, domain.MinYear, domain.MaxYear)
	}
	return y, nil
}

// numText writes a number for a form field in the page's language.
func numText(l locale.Lang, v *float64) string {
	if v == nil {
		return ""
	}
	return progress.FormatNumberTrim(l, *v, 6)
}

// ---- indicators ----

// indicatorForm is the indicator form's fields as typed.
type indicatorForm struct {
	Code, NameID, NameEN, Unit, Polarity, BandLow, BandHigh, Min, Max, Decimals string
	Source, Definition, DefinitionEN, Frequency, SDGCode, NationalCode, Agency  string
	Assess                                                                      bool
	BaseYear, Substantial, Moderate, Limited                                    string
}

func formOfIndicator(l locale.Lang, ind domain.Indicator) indicatorForm {
	p := ind.ProgressSettings()
	f := indicatorForm{Code: ind.Code, NameID: ind.NameID, NameEN: ind.NameEN, Unit: ind.Unit, Polarity: string(ind.Polarity),
		BandLow: numText(l, ind.BandLow), BandHigh: numText(l, ind.BandHigh), Min: numText(l, ind.Min), Max: numText(l, ind.Max),
		Decimals: strconv.Itoa(ind.Decimals), Source: ind.Source, Definition: ind.Definition, DefinitionEN: ind.DefinitionEN,
		Frequency: ind.Frequency, SDGCode: ind.SDGCode, NationalCode: ind.NationalCode, Agency: ind.AgencyCode, Assess: p.Assess,
		Substantial: numText(l, &p.Thresholds.Substantial), Moderate: numText(l, &p.Thresholds.Moderate), Limited: numText(l, &p.Thresholds.Limited)}
	if p.BaseYear != 0 {
		f.BaseYear = strconv.Itoa(p.BaseYear)
	}
	return f
}

func bindIndicatorForm(c *gin.Context) indicatorForm {
	v := func(k string) string { return strings.TrimSpace(c.PostForm(k)) }
	return indicatorForm{Code: v("code"), NameID: v("name_id"), NameEN: v("name_en"), Unit: v("unit"), Polarity: v("polarity"),
		BandLow: v("band_low"), BandHigh: v("band_high"), Min: v("min"), Max: v("max"), Decimals: v("decimals"), Source: v("source"),
		Definition: v("definition"), DefinitionEN: v("definition_en"), Frequency: v("frequency"), SDGCode: v("sdg_code"),
		NationalCode: v("national_code"), Agency: v("agency_code"), Assess: c.PostForm("assess") == "true",
		BaseYear: v("base_year"), Substantial: v("substantial"), Moderate: v("moderate"), Limited: v("limited")}
}

// indicator reads the form into an indicator, refusing what the catalogue
// would refuse with the field's label in the page's language.
func (f indicatorForm) indicator(l locale.Lang) (domain.Indicator, error) {
	ind := domain.Indicator{Code: f.Code, NameID: f.NameID, NameEN: f.NameEN, Unit: f.Unit, Polarity: domain.Polarity(f.Polarity),
		Source: f.Source, Definition: f.Definition, DefinitionEN: f.DefinitionEN, Frequency: f.Frequency, SDGCode: f.SDGCode,
		NationalCode: f.NationalCode, AgencyCode: f.Agency}
	if !domain.ValidCode(f.Code) {
		return ind, fieldError(l, "code", "badCode")
	}
	for field, v := range map[string]string{"name_id": f.NameID, "unit": f.Unit} {
		if v == "" {
			return ind, fieldError(l, field, "required")
		}
	}
	var err error
	for _, n := range []struct {
		field, raw string
		dst        **float64
	}{{"band_low", f.BandLow, &ind.BandLow}, {"band_high", f.BandHigh, &ind.BandHigh}, {"min", f.Min, &ind.Min}, {"max", f.Max, &ind.Max}} {
		if *n.dst, err = number(l, n.field, n.raw); err != nil {
			return ind, err
		}
	}
	if ind.Polarity != domain.Band {
		ind.BandLow, ind.BandHigh = nil, nil
	}
	if ind.Decimals, err = integer(l, "decimals", f.Decimals, catalogfile.DefaultDecimals); err != nil {
		return ind, err
	}
	if ind.Frequency == "" {
		ind.Frequency = catalogfile.DefaultFrequency
	}
	p := domain.ProgressSettings{Assess: f.Assess}
	if p.BaseYear, err = formYear(l, "base_year", f.BaseYear); err != nil {
		return ind, err
	}
	def := domain.DefaultProgress.Thresholds
	for _, n := range []struct {
		field, raw string
		dst        *float64
		def        float64
	}{{"substantial", f.Substantial, &p.Thresholds.Substantial, def.Substantial}, {"moderate", f.Moderate, &p.Thresholds.Moderate, def.Moderate},
		{"limited", f.Limited, &p.Thresholds.Limited, def.Limited}} {
		v, err := number(l, n.field, n.raw)
		if err != nil {
			return ind, err
		}
		*n.dst = n.def
		if v != nil {
			*n.dst = *v
		}
	}
	ind.Progress = &p
	if err := ind.Validate(); err != nil {
		return ind, formError{msg: l.Get("katalog.invalidEntry") + " " + domain.Message(err)}
	}
	return catalogfile.NormalIndicator(ind), nil
}

// indicatorRow is one indicator in the list, with the checks its values
// get on every upload.
type indicatorRow struct {
	domain.Indicator
	Name, Polarity, Agency string
	Checks                 []checkLine
}

// catalogIndicators answers GET /admin/katalog: the indicators, ?q=
// searching names (both languages) and codes.
func (s *Server) catalogIndicators(c *gin.Context) {
	l := lang(c)
	inds, agencies, ok := listWithAgencies(s, c, s.store.Indicators)
	if !ok {
		return
	}
	names := agencyNames(agencies)
	q := strings.TrimSpace(c.Query("q"))
	needle := strings.ToLower(q)
	t := catalogTexts[l]
	var rows []indicatorRow
	for _, ind := range inds {
		if needle != "" && !strings.Contains(strings.ToLower(ind.Code+"\x00"+ind.NameID+"\x00"+ind.NameEN), needle) {
			continue
		}
		rows = append(rows, indicatorRow{Indicator: ind, Name: ind.Name(l), Polarity: t["polarity_"+string(ind.Polarity)], Agency: names[ind.AgencyCode],
			Checks: indicatorChecks(l, ind, inds)})
	}
	s.renderPage(c, http.StatusOK, catalogFrame, "admin_katalog.html", map[string]any{"Section": "indicators", "Q": q, "Rows": rows, "Total": len(inds)})
}

// indicatorView is the indicator form page: a new indicator, or an
// existing one with, after a preview, what saving would change.
type indicatorView struct {
	New        bool
	Form       indicatorForm
	Agencies   []domain.Agency
	Polarities []string
	// Checks are the stored indicator's upload checks, its validation
	// rules among them, which the form shows but does not edit.
	Checks []checkLine
	// Preview is set after "preview": the field changes and the series
	// whose assessment changes.
	Preview *indicatorPreview
}

type indicatorPreview struct {
	Fields   []fieldRow
	Assessed []assessmentRow
	// Unchanged: the form as sent changes nothing.
	Unchanged bool
}

// assessmentRow is one series whose verdict changes, as the page shows it.
type assessmentRow struct {
	Region, Group                  string
	SDGOld, SDGNew, AntOld, AntNew string
	SDGChanged, AntChanged         bool
}

var polarities = []string{string(domain.HigherIsBetter), string(domain.LowerIsBetter), string(domain.Band), string(domain.Neutral)}

// showIndicatorForm writes an indicator's form (v) with the agencies to
// choose from, the indicator's upload checks and extra (a problem, a
// notice).
func (s *Server) showIndicatorForm(c *gin.Context, status int, v indicatorView, extra map[string]any) {
	inds, agencies, ok := listWithAgencies(s, c, s.store.Indicators)
	if !ok {
		return
	}
	v.Agencies, v.Polarities = agencies, polarities
	if !v.New {
		for _, ind := range inds {
			if ind.Code == v.Form.Code {
				v.Checks = indicatorChecks(lang(c), ind, inds)
			}
		}
	}
	data := map[string]any{"Section": "indicators", "View": v}
	maps.Copy(data, extra)
	s.renderPage(c, status, catalogFrame, "admin_katalog_indicator.html", data)
}

// catalogNewIndicator answers GET /admin/katalog/indikator/baru.
func (s *Server) catalogNewIndicator(c *gin.Context) {
	f := formOfIndicator(lang(c), domain.Indicator{Polarity: domain.HigherIsBetter, Decimals: catalogfile.DefaultDecimals, Frequency: catalogfile.DefaultFrequency})
	s.showIndicatorForm(c, http.StatusOK, indicatorView{New: true, Form: f}, nil)
}

// catalogCreateIndicator answers POST /admin/katalog/indikator: the new
// indicator is stored, or the form comes back with the problem. A code
// that exists already is refused rather than silently edited.
func (s *Server) catalogCreateIndicator(c *gin.Context) {
	l := lang(c)
	f := bindIndicatorForm(c)
	ind, err := f.indicator(l)
	if err == nil {
		if _, e := s.store.Indicator(c.Request.Context(), ind.Code); e == nil {
			err = fieldError(l, "code", "codeTaken", ind.Code)
		} else if !errors.Is(e, domain.ErrNotFound) {
			err = e
		}
	}
	if err == nil {
		_, err = s.applyCatalog(c, &catalogfile.Catalogue{Indicators: []domain.Indicator{ind}}, false)
	}
	if err != nil {
		status, problem := s.catalogProblem(c, err)
		s.showIndicatorForm(c, status, indicatorView{New: true, Form: f}, map[string]any{"Problem": problem})
		return
	}
	redirectLang(c, "/admin/katalog/indikator/"+url.PathEscape(ind.Code)+"?ok=created")
}

// catalogIndicator answers GET /admin/katalog/indikator/{code}: the form.
func (s *Server) catalogIndicator(c *gin.Context) {
	ind, err := s.store.Indicator(c.Request.Context(), c.Param("code"))
	if err != nil {
		s.catalogNotFound(c, err)
		return
	}
	s.showIndicatorForm(c, http.StatusOK, indicatorView{Form: formOfIndicator(lang(c), ind)}, nil)
}

// catalogNotFound answers a catalogue page for an entry that is not there.
func (s *Server) catalogNotFound(c *gin.Context, err error) {
	status, problem := s.catalogProblem(c, err)
	s.renderPage(c, status, catalogFrame, "admin_katalog.html", map[string]any{"Section": "indicators", "Problem": problem, "Missing": true})
}

// catalogSaveIndicator answers POST /admin/katalog/indikator/{code}: with
// step=preview (the first button) it checks the change as a dry run and
// shows each field old → new and the assessments that change; with
// step=save it stores it. The code in the path is the entry edited.
func (s *Server) catalogSaveIndicator(c *gin.Context) {
	l := lang(c)
	ctx := c.Request.Context()
	old, err := s.store.Indicator(ctx, c.Param("code"))
	if err != nil {
		s.catalogNotFound(c, err)
		return
	}
	f := bindIndicatorForm(c)
	f.Code = old.Code
	v := indicatorView{Form: f}
	ind, err := f.indicator(l)
	// The form has no field for the validation rules: they stay as stored
	// (without this, saving the form would delete them).
	ind.Rules = old.Rules
	save := c.PostForm("step") == "save"
	var res importer.CatalogResult
	if err == nil {
		res, err = s.applyCatalog(c, &catalogfile.Catalogue{Indicators: []domain.Indicator{ind}}, !save)
	}
	if err == nil && !save {
		v.Preview = &indicatorPreview{Unchanged: len(res.Changes) == 0}
		if len(res.Changes) > 0 {
			v.Preview.Fields = fieldRows(l, catalogfile.FieldChanges(res.Changes[0].Old, res.Changes[0].New))
			v.Preview.Assessed, err = s.reassessed(c, old, ind)
		}
	}
	if err != nil {
		status, problem := s.catalogProblem(c, err)
		s.showIndicatorForm(c, status, v, map[string]any{"Problem": problem})
		return
	}
	if !save {
		s.showIndicatorForm(c, http.StatusOK, v, nil)
		return
	}
	ok := "saved"
	if len(res.Changes) == 0 {
		ok = "nothing"
	}
	redirectLang(c, "/admin/katalog/indikator/"+url.PathEscape(ind.Code)+"?ok="+ok)
}

// reassessed judges every stored series of the indicator with its old
// and its new settings (progress.Reassess) and lists those whose verdict
// differs. Only a change of what judges progress can change one.
func (s *Server) reassessed(c *gin.Context, old, new domain.Indicator) ([]assessmentRow, error) {
	if old.Polarity == new.Polarity && ptrEq(old.BandLow, new.BandLow) && ptrEq(old.BandHigh, new.BandHigh) && old.ProgressSettings() == new.ProgressSettings() {
		return nil, nil
	}
	ctx := c.Request.Context()
	regions, err := s.store.RegionsWithData(ctx, old.Code)
	if err != nil {
		return nil, err
	}
	l := lang(c)
	var rows []assessmentRow
	for _, r := range regions {
		st, err := s.store.Series(ctx, old.Code, r.Code)
		if err != nil {
			return nil, err
		}
		changed, err := progress.Reassess(splitSeries(st), old, new, progress.Options{})
		if err != nil {
			return nil, err
		}
		for _, ch := range changed {
			group := catalogTexts[l]["total"]
			if ch.Disaggregation != domain.Total {
				group = string(ch.Disaggregation)
			}
			rows = append(rows, assessmentRow{Region: r.Name + " (" + r.Code + ")", Group: group,
				SDGOld: ch.SDG[0].Label.In(l), SDGNew: ch.SDG[1].Label.In(l), SDGChanged: ch.SDG[0].Status != ch.SDG[1].Status,
				AntOld: ch.Anticipated[0].Label.In(l), AntNew: ch.Anticipated[1].Label.In(l), AntChanged: ch.Anticipated[0].Status != ch.Anticipated[1].Status})
		}
	}
	return rows, nil
}

// fieldRow is one field of a previewed change as a person reads it: the
// form's label, the file's field name, old → new in the page's language.
type fieldRow struct{ Label, Field, Old, New string }

func fieldRows(l locale.Lang, changes []catalogfile.FieldChange) []fieldRow {
	t := catalogTexts[l]
	value := func(field, raw string) string {
		var v any
		if json.Unmarshal([]byte(raw), &v) != nil {
			return raw // "–", none
		}
		switch x := v.(type) {
		case string:
			if field == "polarity" {
				return t["polarity_"+x]
			}
			return x
		case bool:
			return t[strconv.FormatBool(x)]
		case float64:
			return progress.FormatNumberTrim(l, x, 6)
		}
		return raw
	}
	out := make([]fieldRow, len(changes))
	for i, ch := range changes {
		short := ch.Field[strings.LastIndex(ch.Field, ".")+1:]
		label := t["f_"+short]
		if label == "" {
			label = ch.Field
		}
		out[i] = fieldRow{Label: label, Field: ch.Field, Old: value(short, ch.Old), New: value(short, ch.New)}
	}
	return out
}

func ptrEq(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// ---- plans ----

// planForm is the plan form's fields as typed.
type planForm struct {
	Code, Name, Kind, Level, Region, StartYear, EndYear, Source, LegalBasis, Status, Amends string
}

func bindPlanForm(c *gin.Context) planForm {
	v := func(k string) string { return strings.TrimSpace(c.PostForm(k)) }
	return planForm{Code: v("code"), Name: v("name"), Kind: v("kind"), Level: v("level"), Region: v("region"), StartYear: v("start_year"),
		EndYear: v("end_year"), Source: v("source"), LegalBasis: v("legal_basis"), Status: v("status"), Amends: v("amends")}
}

func (f planForm) plan(l locale.Lang) (domain.Plan, error) {
	p := domain.Plan{Code: f.Code, Name: f.Name, Kind: domain.PlanKind(f.Kind), Level: domain.PlanLevel(f.Level), RegionCode: f.Region,
		Source: f.Source, LegalBasis: f.LegalBasis, Status: domain.PlanStatus(f.Status), Amends: f.Amends}
	if !domain.ValidCode(f.Code) {
		return p, fieldError(l, "p_code", "badCode")
	}
	for field, v := range map[string]string{"p_name": f.Name, "p_region": f.Region} {
		if v == "" {
			return p, fieldError(l, field, "required")
		}
	}
	var err error
	if p.StartYear, err = formYear(l, "p_start_year", f.StartYear); err != nil {
		return p, err
	}
	if p.EndYear, err = formYear(l, "p_end_year", f.EndYear); err != nil {
		return p, err
	}
	if err := p.Validate(); err != nil {
		return p, formError{msg: l.Get("katalog.invalidEntry") + " " + domain.Message(err)}
	}
	return catalogfile.NormalPlan(p), nil
}

// planRow is one plan in the list.
type planRow struct {
	domain.Plan
	RegionName, TargetsURL string
}

// catalogPlans answers GET /admin/katalog/rencana: the plans and the form
// for a new one; ?amends=CODE fills it in as an amendment of that plan.
func (s *Server) catalogPlans(c *gin.Context) {
	f := planForm{Kind: string(domain.KindRPJMD), Level: string(domain.PlanRegency), Status: string(domain.PlanFinal)}
	if code := c.Query("amends"); code != "" {
		plans, err := s.store.Plans(c.Request.Context())
		if err != nil {
			s.accountError(c, err)
			return
		}
		for _, p := range plans {
			if p.Code == code {
				f = planForm{Code: p.Code + "-perubahan", Name: p.Name + " (perubahan)", Kind: string(p.Kind), Level: string(p.Level), Region: p.RegionCode,
					StartYear: strconv.Itoa(p.StartYear), EndYear: strconv.Itoa(p.EndYear), Source: p.Source, Status: string(domain.PlanDraft), Amends: p.Code}
			}
		}
	}
	s.showPlans(c, http.StatusOK, f, nil)
}

// showPlans writes the plans page: the plans, the form f to add one, and
// extra.
func (s *Server) showPlans(c *gin.Context, status int, f planForm, extra map[string]any) {
	ctx := c.Request.Context()
	plans, err := s.store.Plans(ctx)
	if err != nil {
		s.accountError(c, err)
		return
	}
	codes := make([]string, 0, len(plans))
	for _, p := range plans {
		if !slices.Contains(codes, p.RegionCode) {
			codes = append(codes, p.RegionCode)
		}
	}
	names := map[string]string{}
	for _, code := range codes {
		if r, err := s.store.Region(ctx, code); err == nil {
			names[code] = r.Name
		}
	}
	rows := make([]planRow, len(plans))
	for i, p := range plans {
		q := url.Values{"targets": {"true"}, "plan": {p.Code}}
		if cl := carriedLang(lang(c)); cl != "" {
			q.Set("lang", cl.String())
		}
		rows[i] = planRow{Plan: p, RegionName: names[p.RegionCode], TargetsURL: "/unggah?" + q.Encode()}
	}
	data := map[string]any{"Section": "plans", "Plans": rows, "Form": f,
		"Kinds":    []domain.PlanKind{domain.KindRPJMN, domain.KindRPJMD, domain.KindRKPD, domain.KindRenstra},
		"Levels":   []domain.PlanLevel{domain.PlanNational, domain.PlanProvince, domain.PlanRegency},
		"Statuses": []domain.PlanStatus{domain.PlanFinal, domain.PlanDraft}}
	if _, ok := extra["At"]; !ok && f.Amends != "" {
		data["At"] = "create"
	}
	maps.Copy(data, extra)
	s.renderPage(c, status, catalogFrame, "admin_katalog_plans.html", data)
}

// catalogCreatePlan answers POST /admin/katalog/rencana: a new plan, or an
// amendment (a new plan whose amends names the plan it changes).
func (s *Server) catalogCreatePlan(c *gin.Context) {
	l := lang(c)
	f := bindPlanForm(c)
	p, err := f.plan(l)
	if err == nil {
		plans, e := s.store.Plans(c.Request.Context())
		err = e
		for _, old := range plans {
			if old.Code == p.Code {
				err = fieldError(l, "p_code", "codeTaken", p.Code)
			}
		}
	}
	if err == nil {
		_, err = s.applyCatalog(c, &catalogfile.Catalogue{Plans: []domain.Plan{p}}, false)
	}
	if err != nil {
		status, problem := s.catalogProblem(c, err)
		s.showPlans(c, status, f, map[string]any{"Problem": problem, "At": "create"})
		return
	}
	redirectLang(c, "/admin/katalog/rencana?ok=plan")
}

// ---- regions ----

// regionRow is one region in the tree or the search results.
type regionRow struct {
	domain.Region
	LevelName string
	// Leaf: a village, which has nothing below it to browse.
	Leaf bool
}

// catalogRegions answers GET /admin/katalog/wilayah: one level of the
// tree (?induk=CODE, the nation's provinces by default) with the path to
// it, or ?q= search results; each row can take a BPS code.
func (s *Server) catalogRegions(c *gin.Context) {
	s.showRegions(c, http.StatusOK, nil)
}

// showRegions writes the regions page for the region asked (?induk=, ?q=),
// with extra.
func (s *Server) showRegions(c *gin.Context, status int, extra map[string]any) {
	ctx := c.Request.Context()
	t := catalogTexts[lang(c)]
	q := strings.TrimSpace(c.Query("q"))
	parent := c.DefaultQuery("induk", domain.NationalCode)
	data := map[string]any{"Section": "regions", "Q": q, "Parent": parent}
	var regions []domain.Region
	var err error
	if q != "" {
		regions, err = s.store.SearchRegions(ctx, q, 100)
	} else {
		var trail []domain.Region
		for code := parent; code != ""; {
			r, err := s.store.Region(ctx, code)
			if err != nil {
				s.catalogNotFound(c, err)
				return
			}
			trail = append([]domain.Region{r}, trail...)
			code = r.ParentCode
		}
		data["Trail"] = trail
		regions, err = s.store.Regions(ctx, store.RegionFilter{Parent: parent})
	}
	if err != nil {
		s.accountError(c, err)
		return
	}
	rows := make([]regionRow, len(regions))
	for i, r := range regions {
		rows[i] = regionRow{Region: r, LevelName: t["level_"+string(r.Level)], Leaf: r.Level == domain.LevelVillage}
	}
	data["Rows"] = rows
	maps.Copy(data, extra)
	s.renderPage(c, status, catalogFrame, "admin_katalog_regions.html", data)
}

// catalogSaveRegion answers POST /admin/katalog/wilayah/{code}: the
// region's BPS code (the bridge), as a region item that gives only it.
func (s *Server) catalogSaveRegion(c *gin.Context) {
	l := lang(c)
	ctx := c.Request.Context()
	r, err := s.store.Region(ctx, c.Param("code"))
	if err != nil {
		s.catalogNotFound(c, err)
		return
	}
	bps := strings.TrimSpace(c.PostForm("bps_code"))
	if !domain.IsBPSCode(bps) {
		err = fieldError(l, "bps_code", "badBPS", bps)
	}
	if err == nil {
		// The stored name is given so that only the BPS code changes; what
		// the item leaves out (validity, successors) stays as stored.
		item := catalogfile.NormalRegion(domain.Region{Code: r.Code, Name: r.Name, Level: r.Level, ParentCode: r.ParentCode, BPSCode: bps})
		_, err = s.applyCatalog(c, &catalogfile.Catalogue{Regions: []domain.Region{item}}, false)
	}
	back := url.Values{}
	for _, k := range []string{"induk", "q"} {
		if v := c.Query(k); v != "" {
			back.Set(k, v)
		}
	}
	if err != nil {
		status, problem := s.catalogProblem(c, err)
		s.showRegions(c, status, map[string]any{"Problem": problem})
		return
	}
	back.Set("ok", "region")
	redirectLang(c, "/admin/katalog/wilayah?"+back.Encode()+"#r-"+r.Code)
}

// ---- agencies ----

// catalogAgencies answers GET /admin/katalog/instansi.
func (s *Server) catalogAgencies(c *gin.Context) {
	s.showAgencies(c, http.StatusOK, map[string]any{"Form": domain.Agency{}})
}

// showAgencies writes the agencies page with data (a form, a problem).
func (s *Server) showAgencies(c *gin.Context, status int, data map[string]any) {
	agencies, err := s.store.Agencies(c.Request.Context())
	if err != nil {
		s.accountError(c, err)
		return
	}
	data["Section"], data["Agencies"] = "agencies", agencies
	s.renderPage(c, status, catalogFrame, "admin_katalog_agencies.html", data)
}

// catalogCreateAgency answers POST /admin/katalog/instansi.
func (s *Server) catalogCreateAgency(c *gin.Context) {
	l := lang(c)
	a := domain.Agency{Code: strings.TrimSpace(c.PostForm("code")), Name: strings.TrimSpace(c.PostForm("name"))}
	err := s.checkAgency(l, a)
	if err == nil {
		if agencies, e := s.store.Agencies(c.Request.Context()); e != nil {
			err = e
		} else if slices.ContainsFunc(agencies, func(x domain.Agency) bool { return x.Code == a.Code }) {
			err = fieldError(l, "a_code", "codeTaken", a.Code)
		}
	}
	if err == nil {
		_, err = s.applyCatalog(c, &catalogfile.Catalogue{Agencies: []domain.Agency{a}}, false)
	}
	if err != nil {
		status, problem := s.catalogProblem(c, err)
		s.showAgencies(c, status, map[string]any{"Problem": problem, "Form": a, "At": "create"})
		return
	}
	redirectLang(c, "/admin/katalog/instansi?ok=agency")
}

// catalogSaveAgency answers POST /admin/katalog/instansi/{code}: its name.
func (s *Server) catalogSaveAgency(c *gin.Context) {
	l := lang(c)
	a := domain.Agency{Code: c.Param("code"), Name: strings.TrimSpace(c.PostForm("name"))}
	agencies, err := s.store.Agencies(c.Request.Context())
	if err == nil && !slices.ContainsFunc(agencies, func(x domain.Agency) bool { return x.Code == a.Code }) {
		err = domain.Errorf(domain.ErrNotFound, "agency %q not found", a.Code)
	}
	if err == nil {
		err = s.checkAgency(l, a)
	}
	if err == nil {
		_, err = s.applyCatalog(c, &catalogfile.Catalogue{Agencies: []domain.Agency{a}}, false)
	}
	if err != nil {
		status, problem := s.catalogProblem(c, err)
		s.showAgencies(c, status, map[string]any{"Problem": problem, "Form": domain.Agency{}})
		return
	}
	redirectLang(c, "/admin/katalog/instansi?ok=agency#a-"+a.Code)
}

func (s *Server) checkAgency(l locale.Lang, a domain.Agency) error {
	if !domain.ValidCode(a.Code) {
		return fieldError(l, "a_code", "badCode")
	}
	if a.Name == "" {
		return fieldError(l, "a_name", "required")
	}
	if err := a.Validate(); err != nil {
		return formError{msg: l.Get("katalog.invalidEntry") + " " + domain.Message(err)}
	}
	return nil
}
