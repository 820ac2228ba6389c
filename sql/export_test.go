package sql

import "github.com/persiandb/persiandb/sql/planner"

// PlanOf exposes a prepared statement's cached plan to tests.
func PlanOf(p *Prepared) *planner.Query { return p.query }

func DMLPlanOf(p *Prepared) any { return p.dml }
