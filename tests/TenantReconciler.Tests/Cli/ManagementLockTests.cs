namespace TenantReconciler.Tests.Cli;

/// <summary>
/// ARM management locks on a registration, as <c>Set-AzsRegistration</c> leaves them (a <c>CanNotDelete</c> lock named
/// <c>RegistrationResourceLock</c>): check lists them and fails where one refuses a planned change, plan warns before
/// the merge, and apply explains the 409 <c>ScopeLocked</c> and sends no further write of that registration.
/// </summary>
public sealed class ManagementLockTests
{
    private const string Locked = "azurestack-8f3e1b2c";
    private const string Other = "azurestack-2d4c6e8a";

    // The example plan of the locked registration: add 0cb1…, overwrite 8e81…, move 6b4c… -> 9227… (PUT, then DELETE of
    // 6b4c…) and remove ae97…: three PUTs, then two DELETEs.
    private const string Moved = "92276658-1e27-41c0-8a6a-63ec24ede6a4";
    private const string Removed = "ae97ba94-d0ed-482f-8f6d-05584ef8aa38";

    [Fact]
    public async Task Apply_RegistrationResourceLock_FirstDeleteRefusedWithTheHintTheRegistrationsOtherWritesNotAttempted()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync(StateWith(Lock(EmulatorLock.CanNotDelete)));

        // Act
        var apply = await bed.RunAsync("apply", "-f", RepoFiles.Path("tenants.yaml"), "--auto-approve", "--parallelism", "1");

        // Assert: the PUTs went through; one DELETE met the lock; the other was not sent.
        Assert.True(apply.ExitCode == ExitCodes.Error, apply.ToString());
        Assert.Single(bed.Emulator.Requests, r => r.Method == "DELETE");
        Assert.Single(bed.Emulator.Requests, r => r.Status == 409);
        Assert.Contains($"  failed          ~ {Locked} customerSubscription {Moved}: failure 1 ", apply.Stdout, StringComparison.Ordinal);
        Assert.Contains("409 ScopeLocked: The scope '", apply.Stdout, StringComparison.Ordinal);
        Assert.Contains($"hint (ScopeLocked): {ArmErrorHints.HintFor(ArmErrorHints.ScopeLocked)}", apply.Stdout, StringComparison.Ordinal);
        Assert.Contains($"  not attempted   - {Locked} customerSubscription {Removed}: not sent: ARM refused an earlier write in this registration with ScopeLocked", apply.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 added, 1 overwritten, 0 removed; 1 failed, 1 not attempted.", apply.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_ArmAnswersScopeLockedToADelete_HintShownAndTheRegistrationsNextDeleteNotSent()
    {
        // Arrange: ARM's own 409 ScopeLocked for both DELETEs of the registration, whatever refuses them.
        var state = CliTestBed.ExampleState();
        state.Registrations[0] = state.Registrations[0] with
        {
            CustomerSubscriptionErrors =
            [
                new EmulatorCustomerSubscriptionError { SubscriptionId = "6b4cb242-4a23-4596-a217-beaddbc496cb", Code = "ScopeLocked", Status = 409 },
                new EmulatorCustomerSubscriptionError { SubscriptionId = Removed, Code = "ScopeLocked", Status = 409 },
            ],
        };
        await using var bed = await CliTestBed.StartAsync(state);

        // Act
        var apply = await bed.RunAsync("apply", "-f", RepoFiles.Path("tenants.yaml"), "--auto-approve", "--parallelism", "1");

        // Assert
        Assert.Equal(ExitCodes.Error, apply.ExitCode);
        Assert.Single(bed.Emulator.Requests, r => r.Method == "DELETE");
        Assert.Contains("hint (ScopeLocked): ", apply.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 failed, 1 not attempted.", apply.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_ReadOnlyLockOnTheResourceGroup_EveryWriteOfItsRegistrationsRefusedAfterTheFirst()
    {
        // Arrange: a ReadOnly lock on the resource group of the first registration (the second is in another
        // subscription, so the lock does not hold for it).
        await using var bed = await CliTestBed.StartAsync(StateWith(Lock(EmulatorLock.ReadOnly) with { Name = "freeze", Scope = EmulatorLock.ResourceGroupScope }));

        // Act
        var apply = await bed.RunAsync("apply", "-f", RepoFiles.Path("tenants.yaml"), "--auto-approve", "--parallelism", "1");

        // Assert: one refused PUT in the locked registration, none of its other writes sent; the other registration applied.
        Assert.Equal(ExitCodes.Error, apply.ExitCode);
        var lockedWrites = bed.Emulator.Requests.Where(r => r.Method != "GET" && r.PathAndQuery.Contains(Locked, StringComparison.OrdinalIgnoreCase)).ToArray();
        Assert.Equal([409], lockedWrites.Select(r => r.Status));
        Assert.Contains(bed.Emulator.Requests, r => r.Method == "PUT" && r.Status == 200 && r.PathAndQuery.Contains(Other, StringComparison.OrdinalIgnoreCase));
        Assert.Contains($"  not attempted   ~ {Locked} customerSubscription {Moved}: not sent: ARM refused an earlier write", apply.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 added, 0 overwritten, 0 removed; 1 failed, 3 not attempted.", apply.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_LockThatRefusesPlannedRemovals_FailsNamingTheLockWithAFix()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync(StateWith(Lock(EmulatorLock.CanNotDelete)));

        // Act
        var check = await bed.RunAsync("check", "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        Assert.Equal(ExitCodes.Error, check.ExitCode);
        Assert.Contains(
            $"✘ registration {Locked}: lock RegistrationResourceLock (CanNotDelete, on the registration) refuses removals (DELETE); notes: \"Locked by Set-AzsRegistration\": "
            + "ARM will refuse 2 change(s) that the file plans here (409 ScopeLocked)\n"
            + $"    hint (ScopeLocked): {ArmErrorHints.HintFor(ArmErrorHints.ScopeLocked)}\n"
            + "    fix: Remove the lock RegistrationResourceLock for the apply and put it back after",
            check.Stdout,
            StringComparison.Ordinal);
        Assert.Contains($"✔ registration {Other} carries no management lock (on it or above)", check.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, bed.Writes);
    }

    [Fact]
    public async Task Check_LockThatRefusesNothingPlanned_PassesNamingTheLock()
    {
        // Arrange: the lock is on the registration that only gets an add.
        var state = CliTestBed.ExampleState();
        state.Registrations[1] = state.Registrations[1] with { Locks = [Lock(EmulatorLock.CanNotDelete)] };

        // Act
        var check = await PassingCheckAsync(state);

        // Assert
        Assert.Contains(
            $"✔ registration {Other}: lock RegistrationResourceLock (CanNotDelete, on the registration) refuses removals (DELETE); notes: \"Locked by Set-AzsRegistration\"; the file plans no such change here",
            check.Stdout,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_LocksUnreadable_SaysSoNeverNoLocks()
    {
        // Arrange
        var state = StateWith(Lock(EmulatorLock.CanNotDelete));
        state.Registrations[0] = state.Registrations[0] with { LocksUnreadable = true };

        // Act
        var check = await PassingCheckAsync(state);

        // Assert
        Assert.Contains(
            $"○ the management locks of registration {Locked} could not be read (403 AuthorizationFailed; reading them needs Microsoft.Authorization/locks/read)",
            check.Stdout,
            StringComparison.Ordinal);
        Assert.DoesNotContain($"registration {Locked} carries no management lock", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("10 of 11 checks passed, 1 not checked.", check.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("markdown")]
    public async Task Plan_RemovalsOnALockedRegistration_WarnsNamingTheLockOnStderrAndInTheComment(string format)
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync(StateWith(Lock(EmulatorLock.CanNotDelete)));

        // Act
        var plan = await bed.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"), "-o", format);

        // Assert
        Assert.True(plan.ExitCode == ExitCodes.Success, plan.ToString());
        Assert.Contains(
            $"Warning: scope-locked: registration {Locked}: lock RegistrationResourceLock (CanNotDelete, on the registration) refuses removals (DELETE)",
            plan.Stderr,
            StringComparison.Ordinal);
        Assert.Contains("ARM will refuse the plan's 2 removal(s)", plan.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Other + ": lock", plan.Stderr, StringComparison.Ordinal);
        if (format == "markdown")
        {
            Assert.Contains("scope-locked: registration " + Locked, plan.Stdout, StringComparison.Ordinal);
        }

        Assert.Equal(0, bed.Writes);
    }

    [Fact]
    public async Task Plan_LocksUnreadable_NotesItWithoutFailing()
    {
        // Arrange
        var state = CliTestBed.ExampleState();
        state.Registrations[0] = state.Registrations[0] with { LocksUnreadable = true };
        await using var bed = await CliTestBed.StartAsync(state);

        // Act
        var plan = await bed.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        Assert.True(plan.ExitCode == ExitCodes.Success, plan.ToString());
        Assert.Contains($"Note: the management locks of registration {Locked} could not be read (403 AuthorizationFailed", plan.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_LockNameWithAControlCharacter_PrintedEscaped()
    {
        // Arrange: the lock's name and notes come from ARM (anyone with lock write access chooses them).
        await using var bed = await CliTestBed.StartAsync(StateWith(Lock(EmulatorLock.CanNotDelete) with { Name = "evil\u001b[2Jlock", Notes = "line\nbreak" }));

        // Act
        var plan = await bed.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        Assert.DoesNotContain('\u001b', plan.Stdout + plan.Stderr);
        Assert.Contains("lock evil\\u001B[2Jlock", plan.Stderr, StringComparison.Ordinal);
        Assert.Contains("notes: \"line\\u000Abreak\"", plan.Stderr, StringComparison.Ordinal);
    }

    /// <summary>`check` on the repository's tenants.yaml against an emulator in <paramref name="state"/>, which must pass (exit 0).</summary>
    private static async Task<CliResult> PassingCheckAsync(EmulatorState state)
    {
        await using var bed = await CliTestBed.StartAsync(state);
        var check = await bed.RunAsync("check", "-f", RepoFiles.Path("tenants.yaml"));
        Assert.True(check.ExitCode == ExitCodes.Success, check.ToString());
        return check;
    }

    private static EmulatorLock Lock(string level) =>
        new() { Name = "RegistrationResourceLock", Level = level, Notes = "Locked by Set-AzsRegistration" };

    /// <summary>The example state, with <paramref name="locks"/> on the registration that plans removals.</summary>
    private static EmulatorState StateWith(params EmulatorLock[] locks)
    {
        var state = CliTestBed.ExampleState();
        state.Registrations[0] = state.Registrations[0] with { Locks = [.. locks] };
        return state;
    }
}
