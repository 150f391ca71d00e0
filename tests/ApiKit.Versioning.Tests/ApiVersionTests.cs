using System.Globalization;
using FsCheck;
using FsCheck.Fluent;

namespace ApiKit.Versioning.Tests;

public sealed class ApiVersionTests
{
    [Theory]
    [InlineData("1", 1, 0)]
    [InlineData("1.0", 1, 0)]
    [InlineData("2.1", 2, 1)]
    [InlineData("0.9", 0, 9)]
    [InlineData("123456789.987654321", 123456789, 987654321)]
    public void TryParse_Number_ReadsMajorAndMinor(string text, int major, int minor)
    {
        Assert.True(ApiVersion.TryParse(text.AsSpan(), out var version));
        Assert.Equal(major, version.Major);
        Assert.Equal(minor, version.Minor);
        Assert.False(version.IsDate);
    }

    [Fact]
    public void TryParse_Date_ReadsDate()
    {
        Assert.True(ApiVersion.TryParse("2024-01-15".AsSpan(), out var version));
        Assert.True(version.IsDate);
        Assert.Equal(new DateOnly(2024, 1, 15), version.Date);
        Assert.Null(version.Major);
        Assert.Equal("2024-01-15", version.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(".")]
    [InlineData("1.")]
    [InlineData(".1")]
    [InlineData("1.0.0")]
    [InlineData("v1")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1 ")]
    [InlineData("1e3")]
    [InlineData("１")]
    [InlineData("1234567890")]
    [InlineData("2024-02-30")]
    [InlineData("2024-13-01")]
    [InlineData("0000-01-01")]
    [InlineData("2024-1-15")]
    [InlineData("2024/01/15")]
    [InlineData("2024-01-1a")]
    [InlineData("\0")]
    [InlineData("NaN")]
    public void TryParse_Malformed_ReturnsFalse(string text)
    {
        Assert.False(ApiVersion.TryParse(text.AsSpan(), out var version));
        Assert.False(version.IsValid);
        Assert.Throws<FormatException>(() => ApiVersion.Parse(text));
    }

    [Fact]
    public void Equals_MinorOmitted_EqualsZeroMinor()
    {
        Assert.Equal(ApiVersion.Parse("1"), ApiVersion.Parse("1.0"));
        Assert.Equal(ApiVersion.Parse("1").GetHashCode(), new ApiVersion(1, 0).GetHashCode());
        Assert.Equal(new ApiVersion(2.0), new ApiVersion(2, 0));
        Assert.Equal(new ApiVersion(1.5), new ApiVersion(1, 5));
    }

    [Fact]
    public void CompareTo_MixedVersions_SortsNumbersThenDates()
    {
        var sorted = new[] { "2024-01-15", "2.0", "1.10", "2023-12-31", "1.2", "10.0", "1" }
            .Select(ApiVersion.Parse).Order().Select(v => v.ToString()).ToArray();
        Assert.Equal(["1.0", "1.2", "1.10", "2.0", "10.0", "2023-12-31", "2024-01-15"], sorted);
        Assert.True(new ApiVersion(1, 0) < new ApiVersion(1, 1));
        Assert.True(default(ApiVersion) < new ApiVersion(0, 0));
    }

    [Fact]
    public void Constructor_NegativeOrNaN_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ApiVersion(-1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ApiVersion(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ApiVersion(-1, 0));
    }

    [Fact]
    public void ToString_Default_IsEmpty() => Assert.Equal(string.Empty, default(ApiVersion).ToString());

    [Fact]
    public void TryParse_AllocatesNothing()
    {
        ApiVersion.TryParse("2.1".AsSpan(), out _);
        ApiVersion.TryParse("2024-01-15".AsSpan(), out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            ApiVersion.TryParse("2.1".AsSpan(), out _);
            ApiVersion.TryParse("2024-01-15".AsSpan(), out _);
            ApiVersion.TryParse("garbage".AsSpan(), out _);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void FormatThenParse_AnyNumber_RoundTrips() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).Zip(Gen.Choose(0, 999_999_999)).ToArbitrary(), pair =>
        {
            var version = new ApiVersion(pair.Item1 % 1_000_000_000, pair.Item2);
            return ApiVersion.Parse(version.ToString()) == version;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void FormatThenParse_AnyDate_RoundTrips() =>
        Prop.ForAll(Gen.Choose(1, 3_652_058).ToArbitrary(), day =>
        {
            var version = new ApiVersion(DateOnly.FromDayNumber(day - 1));
            return ApiVersion.Parse(version.ToString()) == version
                && version.ToString() == version.Date!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void TryParse_AnyString_NeverThrows() =>
        Prop.ForAll(ArbMap.Default.ArbFor<string>(), text =>
        {
            var parsed = ApiVersion.TryParse(text.AsSpan(), out var version);
            return parsed == version.IsValid;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void TypeConverter_String_ConvertsBothWays()
    {
        var converter = System.ComponentModel.TypeDescriptor.GetConverter(typeof(ApiVersion));
        Assert.Equal(new ApiVersion(2, 0), converter.ConvertFromInvariantString("2.0"));
        Assert.Equal("2024-01-15", converter.ConvertToInvariantString(ApiVersion.Parse("2024-01-15")));
    }
}
