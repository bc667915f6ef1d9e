package corpus

import "testing"

func TestPolicyElements(t *testing.T) {
	actions, resources, conditions, err := PolicyElements()
	if err != nil {
		t.Fatal(err)
	}
	if len(actions) < 100 || len(resources) < 50 || len(conditions) < 50 {
		t.Errorf("%d actions, %d resources, %d conditions: want the public policies' many", len(actions), len(resources), len(conditions))
	}
	t.Logf("%d actions, %d resources, %d conditions", len(actions), len(resources), len(conditions))
}
