import pytest

from bilstm_helpers.torch.training import (
    BiLSTMTagger,
    evaluate,
    fit,
    load_weights,
    masked_bce_with_logits,
    pick_device,
    save_weights,
    train_epoch,
)

torch = pytest.importorskip("torch")


def regression_batches(n_batches=4, seed=0):
    generator = torch.Generator().manual_seed(seed)
    w = torch.tensor([[2.0], [-1.0]])
    batches = []
    for _ in range(n_batches):
        x = torch.randn(16, 2, generator=generator)
        batches.append((x, x @ w))
    return batches


@pytest.mark.parametrize("available, expected", [(True, "cuda"), (False, "cpu")])
def test_pick_device_gives_cuda_only_when_there_is_one(monkeypatch, available, expected):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: available)
    assert pick_device().type == expected
    assert pick_device("cpu").type == "cpu"  # an explicit choice wins


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_pick_device_rejects_cuda_without_a_gpu():
    with pytest.raises(ValueError, match="CUDA is not available"):
        pick_device("cuda")


def test_fit_lowers_the_loss_and_records_each_epoch():
    torch.manual_seed(0)
    model = torch.nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    batches = regression_batches()
    history = fit(model, batches, torch.nn.functional.mse_loss, optimizer, epochs=5,
                  valid_batches=batches, progress=False)
    assert len(history["train_loss"]) == 5 and len(history["valid_loss"]) == 5
    assert history["valid_loss"][-1] < 0.1 * history["train_loss"][0]
    assert evaluate(model, batches, torch.nn.functional.mse_loss) == pytest.approx(history["valid_loss"][-1])


def test_restore_best_keeps_the_epoch_with_the_lowest_validation_loss():
    # training pulls the weights towards y = 2x; validation wants y = x, where the weights start,
    # so the validation loss rises every epoch and the first epoch is the best
    x = torch.linspace(-1, 1, 16)[:, None]
    train, valid = [(x, 2 * x)], [(x, x)]
    for restore_best in (False, True):
        model = torch.nn.Linear(1, 1, bias=False)
        with torch.no_grad():
            model.weight.fill_(1.0)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.3)
        history = fit(model, train, torch.nn.functional.mse_loss, optimizer, epochs=4,
                      valid_batches=valid, progress=False, restore_best=restore_best)
        losses = history["valid_loss"]
        assert losses == sorted(losses) and losses[0] < losses[-1]
        final = evaluate(model, valid, torch.nn.functional.mse_loss)
        if restore_best:
            assert history["best_epoch"] == 1 and final == pytest.approx(losses[0])
        else:
            assert "best_epoch" not in history and final == pytest.approx(losses[-1])


def test_restore_best_needs_validation_batches():
    model = torch.nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="pass valid_batches"):
        fit(model, regression_batches(), torch.nn.functional.mse_loss, optimizer, epochs=1,
            restore_best=True)


def test_train_epoch_rejects_a_batch_without_targets():
    model = torch.nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match=r"\(inputs..., targets\)"):
        train_epoch(model, [torch.zeros(4, 2)], torch.nn.functional.mse_loss, optimizer, progress=False)


def test_empty_batches_and_zero_epochs_are_rejected():
    model = torch.nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="batches was empty"):
        train_epoch(model, [], torch.nn.functional.mse_loss, optimizer, progress=False)
    with pytest.raises(ValueError, match="batches was empty"):
        evaluate(model, [], torch.nn.functional.mse_loss)
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        fit(model, regression_batches(), torch.nn.functional.mse_loss, optimizer, epochs=0)


def test_tagger_gives_one_logit_per_step_and_ignores_padding():
    torch.manual_seed(0)
    model = BiLSTMTagger(1, 4, num_layers=2)
    x = torch.rand(3, 6, 1)
    lengths = torch.tensor([6, 2, 4])
    logits = model(x, lengths)
    assert logits.shape == (3, 6)
    x_changed = x.clone()
    x_changed[1, 2:] = 9.0  # padding of sequence 1
    torch.testing.assert_close(model(x_changed, lengths)[1, :2], logits[1, :2])
    targets = torch.tensor([[1.0] * 6, [0.0, 1.0] + [-1.0] * 4, [1.0] * 4 + [-1.0] * 2])
    real = targets >= 0
    expected = torch.nn.functional.binary_cross_entropy_with_logits(logits[real], targets[real])
    torch.testing.assert_close(masked_bce_with_logits(logits, targets), expected)
    with pytest.raises(ValueError, match="one target per step"):
        masked_bce_with_logits(logits, targets[:, :5])


def test_evaluate_weights_each_batch_by_its_examples():
    # a full batch of 16 with loss 1 and a short batch of 1 with loss 100:
    # per example the mean is (16 * 1 + 1 * 100) / 17, not (1 + 100) / 2
    model = torch.nn.Linear(1, 1, bias=False)
    torch.nn.init.zeros_(model.weight)
    batches = [(torch.zeros(16, 1), torch.ones(16, 1)), (torch.zeros(1, 1), torch.full((1, 1), 10.0))]
    assert evaluate(model, batches, torch.nn.functional.mse_loss) == pytest.approx((16 + 100) / 17)


def test_train_epoch_weights_each_batch_by_its_examples():
    model = torch.nn.Linear(1, 1, bias=False)
    torch.nn.init.zeros_(model.weight)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)  # the loss stays as it is
    batches = [(torch.zeros(16, 1), torch.ones(16, 1)), (torch.zeros(1, 1), torch.full((1, 1), 10.0))]
    loss = train_epoch(model, batches, torch.nn.functional.mse_loss, optimizer, progress=False)
    assert loss == pytest.approx((16 + 100) / 17)


def test_saved_weights_load_into_a_fresh_model_and_give_the_same_outputs(monkeypatch, tmp_path):
    monkeypatch.setenv("BILSTM_RESULTS_DIR", str(tmp_path))
    monkeypatch.delenv("BILSTM_QUICK", raising=False)
    torch.manual_seed(0)
    trained, fresh = torch.nn.Linear(3, 2), torch.nn.Linear(3, 2)
    path = save_weights(trained, "linear_seed0.pt")
    assert path == tmp_path / "weights" / "linear_seed0.pt"
    x = torch.randn(5, 3)
    assert not torch.equal(fresh(x), trained(x))
    loaded = load_weights(fresh, "linear_seed0.pt", written_by="notebooks/08_imdb_pytorch.ipynb")
    assert loaded is fresh and not fresh.training
    assert torch.equal(fresh(x), trained(x))


def test_load_weights_names_the_notebook_to_run_first_and_keeps_run_modes_apart(monkeypatch, tmp_path):
    monkeypatch.setenv("BILSTM_RESULTS_DIR", str(tmp_path))
    monkeypatch.delenv("BILSTM_QUICK", raising=False)
    save_weights(torch.nn.Linear(3, 2), "linear_seed0.pt")
    monkeypatch.setenv("BILSTM_QUICK", "1")  # a quick run never reads the full run's weights
    with pytest.raises(FileNotFoundError, match="run notebooks/08_imdb_pytorch.ipynb in quick mode"):
        load_weights(torch.nn.Linear(3, 2), "linear_seed0.pt", written_by="notebooks/08_imdb_pytorch.ipynb")


def test_load_weights_refuses_a_model_of_other_sizes(monkeypatch, tmp_path):
    monkeypatch.setenv("BILSTM_RESULTS_DIR", str(tmp_path))
    monkeypatch.delenv("BILSTM_QUICK", raising=False)
    save_weights(torch.nn.Linear(3, 2), "linear_seed0.pt")
    with pytest.raises(RuntimeError, match="size mismatch"):
        load_weights(torch.nn.Linear(4, 2), "linear_seed0.pt", written_by="chapter 8")
