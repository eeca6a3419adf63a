import pathlib

def test_explore(client, trust):
    plan = trust.plan(30)
    client.sign_in(trust.editor.email)
    r = client.get(f"/plans/{plan.id}/plan.pdf")
    assert r.status_code == 200, r.data[:500]
    pathlib.Path("/tmp/pdfcheck").mkdir(exist_ok=True)
    pathlib.Path("/tmp/pdfcheck/draft.pdf").write_bytes(r.data)
