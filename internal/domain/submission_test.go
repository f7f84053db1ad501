package domain

import "testing"

// The principals the permission rules are asked about.
var (
	asAdmin       = Principal{Kind: ByUser, Role: RoleAdmin, UserID: 1, Email: "walidata@bappeda.id"}
	asPlanner     = Principal{Kind: ByUser, Role: RolePlanner, UserID: 2, Email: "perencana@bappeda.id"}
	asDinkes      = Principal{Kind: ByUser, Role: RoleUploader, UserID: 3, Email: "data@dinkes.id", AgencyCode: "dinkes"}
	asDinkesToken = TokenPrincipal(7, "dinkes")
	asDinsos      = Principal{Kind: ByUser, Role: RoleUploader, UserID: 4, Email: "data@dinsos.id", AgencyCode: "dinsos"}
	// asNoAgency is an uploader without an agency (the store refuses such a
	// user; the rules must not let one through either): its empty agency
	// must not match a submission's empty agency.
	asNoAgency = Principal{Kind: ByUser, Role: RoleUploader, UserID: 5, Email: "lepas@pemda.id"}
)

func TestNeedsReview(t *testing.T) {
	for _, tt := range []struct {
		name            string
		p               Principal
		required, asked bool
		want            bool
	}{
		{name: "uploader, review not required", p: asDinkes, want: false},
		{name: "uploader, review required", p: asDinkes, required: true, want: true},
		{name: "uploader asks for review", p: asDinkes, asked: true, want: true},
		{name: "token, review required", p: asDinkesToken, required: true, want: true},
		{name: "walidata, review required: publishes directly", p: asAdmin, required: true, want: false},
		{name: "walidata asks for review", p: asAdmin, required: true, asked: true, want: true},
		{name: "walidata, review not required", p: asAdmin, want: false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := NeedsReview(tt.p, tt.required, tt.asked); got != tt.want {
				t.Errorf("NeedsReview(%s, required=%v, asked=%v) = %v, want %v", tt.p, tt.required, tt.asked, got, tt.want)
			}
		})
	}
}

// TestSeeAndWithdrawSubmission: who may read a submission (CanSeeSubmission)
// and who may take it back (CanWithdraw).
func TestSeeAndWithdrawSubmission(t *testing.T) {
	fromDinkes := Submission{ID: 1, AgencyCode: "dinkes", State: Submitted}
	byWalidata := Submission{ID: 2, State: Submitted} // sent by an administrator: no agency
	for _, tt := range []struct {
		name          string
		p             Principal
		sub           Submission
		see, withdraw bool
	}{
		{name: "walidata", p: asAdmin, sub: fromDinkes, see: true, withdraw: true},
		{name: "planner sees, cannot withdraw", p: asPlanner, sub: fromDinkes, see: true, withdraw: false},
		{name: "the sending agency's user", p: asDinkes, sub: fromDinkes, see: true, withdraw: true},
		{name: "the sending agency's token", p: asDinkesToken, sub: fromDinkes, see: true, withdraw: true},
		{name: "another agency", p: asDinsos, sub: fromDinkes, see: false, withdraw: false},
		{name: "public", p: PublicPrincipal, sub: fromDinkes, see: false, withdraw: false},
		{name: "uploader without agency, submission without agency", p: asNoAgency, sub: byWalidata, see: false, withdraw: false},
		{name: "walidata, submission without agency", p: asAdmin, sub: byWalidata, see: true, withdraw: true},
		{name: "planner, submission without agency", p: asPlanner, sub: byWalidata, see: true, withdraw: false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := CanSeeSubmission(tt.p, tt.sub); got != tt.see {
				t.Errorf("CanSeeSubmission(%s, agency %q) = %v, want %v", tt.p, tt.sub.AgencyCode, got, tt.see)
			}
			if got := CanWithdraw(tt.p, tt.sub); got != tt.withdraw {
				t.Errorf("CanWithdraw(%s, agency %q) = %v, want %v", tt.p, tt.sub.AgencyCode, got, tt.withdraw)
			}
		})
	}
}
