namespace ApiKit.Testing.Tests;

public sealed class PublicApiTests
{
    [Fact]
    public void Render_DescribesTypesMembersAndNullability()
    {
        var text = PublicApi.Render(typeof(ManualTimeProvider).Assembly);

        Assert.Contains("public sealed class ApiKit.Testing.ManualTimeProvider : System.TimeProvider", text, StringComparison.Ordinal);
        Assert.Contains("    public override System.Threading.ITimer CreateTimer(System.Threading.TimerCallback callback, System.Object? state, System.TimeSpan dueTime, System.TimeSpan period)", text, StringComparison.Ordinal);
        Assert.Contains("    public System.Int32 ActiveTimerCount { get; }", text, StringComparison.Ordinal);
        Assert.Contains("    public static readonly System.DateTimeOffset DefaultStart", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ManualTimer ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_IsStableAcrossCalls()
    {
        var assembly = typeof(ManualTimeProvider).Assembly;

        Assert.Equal(PublicApi.Render(assembly), PublicApi.Render(assembly));
    }
}
