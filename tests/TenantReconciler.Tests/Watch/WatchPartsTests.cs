namespace TenantReconciler.Tests.Watch;

public sealed class WatchPartsTests
{
    [Fact]
    public void Poke_BurstOfEvents_CallsBackOnceAfterTheQuietPeriod()
    {
        // Arrange
        var time = new FakeTimeProvider();
        var calls = 0;
        using var debouncer = new Debouncer(time, TimeSpan.FromSeconds(2), () => Interlocked.Increment(ref calls));

        // Act
        debouncer.Poke();
        time.Advance(TimeSpan.FromSeconds(1.5));
        debouncer.Poke();
        time.Advance(TimeSpan.FromSeconds(1.5));
        var beforeQuiet = calls;
        time.Advance(TimeSpan.FromSeconds(0.5));
        var afterQuiet = calls;
        time.Advance(TimeSpan.FromSeconds(10));

        // Assert
        Assert.Equal(0, beforeQuiet);
        Assert.Equal(1, afterQuiet);
        Assert.Equal(1, calls);
    }

    [Theory]
    [InlineData("127.0.0.1:8080", "127.0.0.1:8080", true)]
    [InlineData("[::1]:9090", "[::1]:9090", true)]
    [InlineData("0.0.0.0:8080", "0.0.0.0:8080", false)]
    [InlineData("localhost:0", "localhost:0", true)]
    public void TryParse_ValidListenAddress_Parses(string text, string expected, bool loopback)
    {
        // Act
        var ok = ListenAddress.TryParse(text, out var address, out var error);

        // Assert
        Assert.True(ok, error);
        Assert.Equal(expected, address!.ToString());
        Assert.Equal(loopback, address.IsLoopback);
    }

    [Theory]
    [InlineData("8080")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:99999")]
    [InlineData("::1:8080")]
    [InlineData("example.com:8080")]
    public void TryParse_InvalidListenAddress_ExplainsWhy(string text)
    {
        // Act
        var ok = ListenAddress.TryParse(text, out _, out var error);

        // Assert
        Assert.False(ok);
        Assert.Contains("--listen", error);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("250ms", 0.25)]
    [InlineData("00:05:00", 300)]
    public void TryParse_Durations_InSeconds(string text, double seconds)
    {
        // Act
        var ok = DurationText.TryParse(text, out var value);

        // Assert
        Assert.True(ok);
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("300")]
    [InlineData("1.5")]
    [InlineData("five minutes")]
    [InlineData("-5m")]
    [InlineData("5d")]
    public void TryParse_NotADuration_False(string text)
    {
        // Act
        var ok = DurationText.TryParse(text, out _);

        // Assert
        Assert.False(ok);
    }

    [Fact]
    public void Evaluate_EveryRegistrationSucceededWithinWindow_Ready()
    {
        // Arrange
        var now = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var desired = new DesiredStatus("tenants.yaml", "sha256:x", true, [], now);
        var fresh = Succeeded("reg-a", now - TimeSpan.FromMinutes(14));

        // Act
        var (ready, reasons) = WatchReadiness.Evaluate(desired, [fresh], now, TimeSpan.FromMinutes(15));

        // Assert
        Assert.True(ready, string.Join("; ", reasons));
    }

    [Fact]
    public void Evaluate_StaleRegistrationOrNoTick_NotReadyWithReasons()
    {
        // Arrange
        var now = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var valid = new DesiredStatus("tenants.yaml", "sha256:x", true, [], now);
        var stale = Succeeded("reg-a", now - TimeSpan.FromMinutes(16));
        var never = RegistrationStatus.New(new RegistrationRef(Guid.NewGuid(), "rg", "reg-b"));

        // Act
        var noTick = WatchReadiness.Evaluate(null, [], now, TimeSpan.FromMinutes(15));
        var (ready, reasons) = WatchReadiness.Evaluate(valid, [stale, never], now, TimeSpan.FromMinutes(15));

        // Assert
        Assert.False(noTick.Ready);
        Assert.False(ready);
        Assert.Equal(2, reasons.Count);
        Assert.Contains(reasons, r => r.StartsWith("reg-a:", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("reg-b: no successful tick", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_InvalidFile_ReadyForItIsTheStalledConditionNotReadiness()
    {
        // Arrange: the file is invalid, and the registrations it had are stale or never succeeded.
        var now = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var invalid = new DesiredStatus("tenants.yaml", "sha256:x", false, ["tenants.yaml:3:1: error TR1001"], now);
        var stale = Succeeded("reg-a", now - TimeSpan.FromMinutes(16));
        var never = RegistrationStatus.New(new RegistrationRef(Guid.NewGuid(), "rg", "reg-b"));

        // Act
        var (ready, reasons) = WatchReadiness.Evaluate(invalid, [stale, never], now, TimeSpan.FromMinutes(15));

        // Assert: as with Flux and Argo CD, the service keeps serving; /status says what is wrong.
        Assert.True(ready);
        Assert.Empty(reasons);
    }

    private static RegistrationStatus Succeeded(string name, DateTimeOffset at) =>
        RegistrationStatus.New(new RegistrationRef(Guid.NewGuid(), "rg", name)) with
        {
            LastResult = RegistrationResult.InSync,
            LastTickAt = at,
            LastSuccessAt = at,
        };
}
