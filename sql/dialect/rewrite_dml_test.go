package dialect

import "testing"

func TestMoveDMLFrom(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"UPDATE t SET a = 1 FROM u WHERE t.a = u.a",
			"UPDATE (`t`) JOIN `u` SET `a`=1 WHERE `t`.`a`=`u`.`a`"},
		{"UPDATE t AS x SET a = u.b FROM u, v JOIN w ON v.a = w.a WHERE x.a = u.a RETURNING x.a",
			"UPDATE ((`t` AS `x`) JOIN `u`) JOIN (`v` JOIN `w` ON `v`.`a`=`w`.`a`) SET `a`=`u`.`b` WHERE `x`.`a`=`u`.`a`"},
		{"UPDATE t x SET a = (SELECT b FROM u WHERE u.a = x.a)",
			"UPDATE `t` AS `x` SET `a`=(SELECT `b` FROM `u` WHERE `u`.`a`=`x`.`a`)"},
		{"UPDATE t SET a = 1 FROM u WHERE t.a IS DISTINCT FROM u.a",
			"UPDATE (`t`) JOIN `u` SET `a`=1 WHERE (NOT ((`t`.`a`)<=>(`u`.`a`)))"},
		{"UPDATE public.t SET a = 1 FROM u",
			"UPDATE (`public`.`t`) JOIN `u` SET `a`=1"},
		{"DELETE FROM t USING u WHERE t.a = u.a",
			"DELETE `t` FROM (`t`) JOIN `u` WHERE `t`.`a`=`u`.`a`"},
		{"DELETE FROM t AS x USING u JOIN v ON u.a = v.a WHERE x.a = u.a",
			"DELETE `x` FROM (`t` AS `x`) JOIN (`u` JOIN `v` ON `u`.`a`=`v`.`a`) WHERE `x`.`a`=`u`.`a`"},
		{"DELETE FROM t x WHERE x.a = 1",
			"DELETE FROM `t` AS `x` WHERE `x`.`a`=1"},
		{"INSERT INTO t DEFAULT VALUES",
			"INSERT INTO `t` () VALUES ()"},
		{"INSERT INTO s.t AS x DEFAULT VALUES RETURNING x.a",
			"INSERT INTO `s`.`t` () VALUES ()"},
		{"INSERT INTO t DEFAULT VALUES ON CONFLICT DO NOTHING",
			"INSERT INTO `t` () VALUES ()"},
	} {
		_, got := mustPrepare(t, c.in)
		if got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}
