using System.Buffers.Text;
using ChatApi.Infrastructure;
using FsCheck;
using FsCheck.Fluent;

namespace ChatApi.Tests.Infrastructure;

public sealed class CursorTests
{
    [Fact]
    public void Encode_ThenDecode_RoundTrips()
    {
        Prop.ForAll(
            ArbMap.Default.ArbFor<long>().Filter(t => t >= 0 && t <= DateTime.MaxValue.Ticks),
            ArbMap.Default.ArbFor<Guid>(),
            (ticks, id) =>
            {
                var cursor = new Cursor(ticks, id);
                var token = cursor.Encode();
                return Cursor.TryDecode(token, out var decoded) && decoded == cursor && !token.Contains('=') && !token.Contains('+') && !token.Contains('/');
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void TryDecode_ArbitraryText_NeverThrows()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<string>(), token =>
        {
            var decoded = Cursor.TryDecode(token, out var cursor);
            return !decoded || cursor.Encode() == token;
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a cursor")]
    [InlineData("AAAA")]
    [InlineData("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    public void TryDecode_Malformed_ReturnsFalse(string token)
    {
        Assert.False(Cursor.TryDecode(token, out _));
    }

    [Fact]
    public void TryDecode_UnknownVersionOrNegativeTicks_ReturnsFalse()
    {
        var bytes = Base64Url.DecodeFromChars(new Cursor(42, Guid.NewGuid()).Encode());
        bytes[0] = 2;
        Assert.False(Cursor.TryDecode(Base64Url.EncodeToString(bytes), out _));

        Assert.False(Cursor.TryDecode(new Cursor(-1, Guid.NewGuid()).Encode(), out _));
    }

    [Theory]
    [InlineData(null, 20)]
    [InlineData("1", 1)]
    [InlineData("100", 100)]
    public void PageRequest_ValidFirst_IsAccepted(string? first, int expected)
    {
        Assert.True(PageRequest.TryCreate(first, null, out var page, out var errors));
        Assert.Equal(expected, page.First);
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData(" 5")]
    [InlineData("99999999999999999999")]
    public void PageRequest_InvalidFirst_ReportsFirst(string first)
    {
        Assert.False(PageRequest.TryCreate(first, null, out _, out var errors));
        Assert.Equal(["first"], errors.Keys);
    }
}
