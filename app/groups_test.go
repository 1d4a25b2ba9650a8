package app

import "testing"

// Loading the operators loads the groups; a chat transferred to a group
// gets the operator Chat2Desk chose, and nobody in C2Desk.
func TestTransferToGroup(t *testing.T) {
	o := chatsOffice(t)
	if _, _, err := o.admin.LoadOperators(ctx); err != nil {
		t.Fatal(err)
	}
	groups, err := o.app.OperatorGroups(ctx)
	if err != nil || len(groups) != 2 || groups[0].Name != "Аренда" || groups[1].Name != "Продажи" {
		t.Fatalf("groups %+v %v", groups, err)
	}
	if err := o.admin.Assign(ctx, chatOn101, o.marina.Staff().ID); err != nil {
		t.Fatal(err)
	}
	if err := o.ivan.TransferToGroup(ctx, chatOn101, groups[1].ID); err != nil { // Продажи: 9 offline, 7 online
		t.Fatal(err)
	}
	d, ok := o.fake.Dialog(chatOn101)
	if !ok || d.OperatorID != 7 {
		t.Fatalf("Chat2Desk has the chat with operator %d", d.OperatorID)
	}
	local, err := o.store.DialogByID(ctx, chatOn101)
	if err != nil || local.OperatorID != 7 || local.Assignee != 0 {
		t.Fatalf("here: %+v %v", local, err)
	}
	if err := o.ivan.TransferToGroup(ctx, chatOn101, 999); Explain(err) != MsgNoSuchGroup {
		t.Fatalf("an unknown group: %v", err)
	}
	// A chat Ivan may not see cannot be transferred by him.
	if err := o.ivan.TransferToGroup(ctx, chatOn102, groups[1].ID); err == nil {
		t.Fatal("transferred a chat Ivan may not see")
	}
}
