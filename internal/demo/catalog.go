package demo

import (
	"context"

	"pantau/internal/store"
)

// LoadCatalog puts the demo's catalogue into st: agencies, regions (with
// their BPS codes), indicators and plans, but no data. A fresh database
// with this catalogue accepts every file exported from the demo.
func LoadCatalog(ctx context.Context, st *store.Store) error {
	for _, a := range Agencies {
		if err := st.PutAgency(ctx, a); err != nil {
			return err
		}
	}
	regions, err := Regions()
	if err != nil {
		return err
	}
	if err := st.PutRegions(ctx, regions...); err != nil {
		return err
	}
	for _, ind := range Indicators {
		if err := st.PutIndicator(ctx, ind); err != nil {
			return err
		}
	}
	for _, p := range Plans {
		if err := st.PutPlan(ctx, p); err != nil {
			return err
		}
	}
	return nil
}
