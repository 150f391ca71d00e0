using System.Net;
using System.Net.Http.Headers;
using ApiKit.Resilience.Http;
using ApiKit.Testing;

namespace ApiKit.Resilience.Tests.Http;

public sealed class HttpOutcomesTests
{
    private readonly ManualTimeProvider _time = new();

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.OK, false)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    public void IsTransientResult_Status_ClassifiedLikeTheStandardPipeline(HttpStatusCode status, bool transient)
    {
        using var response = new HttpResponseMessage(status);
        Assert.Equal(transient, HttpOutcomes.IsTransientResult(response));
        Assert.False(HttpOutcomes.IsTransientResult("not a response"));
    }

    [Fact]
    public void GetRetryAfter_DeltaSeconds_ReturnsDelay()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(120));
        Assert.Equal(TimeSpan.FromSeconds(120), HttpOutcomes.GetRetryAfter(response, _time));
    }

    [Fact]
    public void GetRetryAfter_HttpDate_MeasuredAgainstTheClockAndNeverNegative()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(_time.GetUtcNow().AddSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(30), HttpOutcomes.GetRetryAfter(response, _time));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(TimeSpan.Zero, HttpOutcomes.GetRetryAfter(response, _time));
    }

    [Fact]
    public void GetRetryAfter_OtherStatusOrMissingOrMalformedHeader_ReturnsNull()
    {
        using var ok = new HttpResponseMessage(HttpStatusCode.OK);
        ok.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(5));
        Assert.Null(HttpOutcomes.GetRetryAfter(ok, _time));

        using var missing = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        Assert.Null(HttpOutcomes.GetRetryAfter(missing, _time));

        using var malformed = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        Assert.False(malformed.Headers.TryAddWithoutValidation("Retry-After", "soon, please") && malformed.Headers.RetryAfter is not null);
        Assert.Null(HttpOutcomes.GetRetryAfter(malformed, _time));
    }

    [Theory]
    [InlineData("GET", true)]
    [InlineData("HEAD", true)]
    [InlineData("OPTIONS", true)]
    [InlineData("TRACE", true)]
    [InlineData("POST", false)]
    [InlineData("PUT", false)]
    [InlineData("PATCH", false)]
    [InlineData("DELETE", false)]
    public void IsSafeMethod_Method_FollowsRfc9110(string method, bool safe) =>
        Assert.Equal(safe, HttpOutcomes.IsSafeMethod(new HttpMethod(method)));
}
