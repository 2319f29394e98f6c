import { S3BucketWebsiteConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-website-configuration';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketCorsConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-cors-configuration';
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontOriginAccessControl } from '@cdktf/provider-aws/lib/cloudfront-origin-access-control';
import { ORIGIN_SECRET_HEADER } from '@chat/server/edge';
import { API_PATHS } from '../src/names';
import { SPA_ROUTES_FUNCTION } from '../src/stacks/web';
import { only, parse, resources, statements, synthAll } from './helpers';

describe('web stack (default: CloudFront)', () => {
  const web = synthAll().json.web;

  test('the distribution serves HTTPS: viewers are redirected from HTTP everywhere', () => {
    const d = only(web, 'aws_cloudfront_distribution') as {
      default_cache_behavior: { viewer_protocol_policy: string };
      ordered_cache_behavior: { viewer_protocol_policy: string; path_pattern: string; target_origin_id: string }[];
    };
    expect(d.default_cache_behavior.viewer_protocol_policy).toBe('redirect-to-https');
    for (const b of d.ordered_cache_behavior) expect(b.viewer_protocol_policy).toBe('redirect-to-https');
  });

  test('the site origin is reached through origin access control and the bucket stays private', () => {
    expect(web).toHaveResourceWithProperties(CloudfrontOriginAccessControl, {
      origin_access_control_origin_type: 's3',
      signing_behavior: 'always',
      signing_protocol: 'sigv4',
    });
    expect(web).toHaveResourceWithProperties(CloudfrontDistribution, {
      origin: expect.arrayContaining([
        expect.objectContaining({ origin_id: 'site', origin_access_control_id: '${aws_cloudfront_origin_access_control.site-access.id}' }),
      ]),
    });
    expect(web).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const policy = statements(only(web, 'aws_s3_bucket_policy').policy);
    const grant = policy.find((s) => s.Effect === 'Allow');
    expect(grant).toEqual(
      expect.objectContaining({
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Condition: { StringEquals: { 'AWS:SourceArn': '${aws_cloudfront_distribution.distribution.arn}' } },
      }),
    );
    expect(policy.find((s) => s.Effect === 'Deny')?.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
  });

  test('the API and socket paths are routed to the instance, uncached, over plain HTTP (the instance holds no certificate)', () => {
    const d = only(web, 'aws_cloudfront_distribution') as {
      origin: { origin_id: string; domain_name: string }[];
      ordered_cache_behavior: {
        path_pattern: string;
        target_origin_id: string;
        cache_policy_id: string;
        origin_request_policy_id: string;
        allowed_methods: string[];
      }[];
    };
    const server = d.origin.find((o) => o.origin_id === 'server') as unknown as { domain_name: string; custom_origin_config: object };
    expect(server.domain_name).toMatch(/^\$\{data\.terraform_remote_state\.[^}]*eipaddresspublic_dns\}$/);
    expect(server.custom_origin_config).toMatchObject({ http_port: 3000, origin_protocol_policy: 'http-only' });
    expect(d.ordered_cache_behavior.map((b) => b.path_pattern)).toEqual([...API_PATHS]);
    // Every path the server answers that the web app or an operator uses; not /metrics (the instance's own agent).
    expect([...API_PATHS].sort()).toEqual(
      ['/socket.io/*', '/history', '/upload-url', '/uploads/*', '/images/*', '/config.json', '/messages/*', '/healthz', '/readyz'].sort(),
    );
    for (const b of d.ordered_cache_behavior) {
      expect(b.target_origin_id).toBe('server');
      expect(b.cache_policy_id).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
      // Managed AllViewer: the viewer's Host reaches the server, whose socket origin check compares it with Origin.
      expect(b.origin_request_policy_id).toBe('216adef6-5c7f-47e4-b989-5492eafa07d3');
      expect(b.allowed_methods).toContain('POST');
    }
  });

  test('site URL and API URL are the same HTTPS origin, which is the one CORS admits for uploads', () => {
    const out = parse(web).output!;
    expect(out.SITE_URL!.value).toBe('https://${aws_cloudfront_distribution.distribution.domain_name}');
    expect(out.API_URL!.value).toBe(out.SITE_URL!.value);
    expect(out.DISTRIBUTION_ID!.value).toBe('${aws_cloudfront_distribution.distribution.id}');
    expect(web).toHaveResourceWithProperties(S3BucketCorsConfiguration, {
      cors_rule: [
        expect.objectContaining({
          allowed_origins: ['https://${aws_cloudfront_distribution.distribution.domain_name}'],
          allowed_methods: ['POST'],
        }),
      ],
    });
  });

  test('CloudFront proves itself to the servers: the origin secret from SSM (its first value) as a header on the API origin only', () => {
    const w = parse(web) as { data?: Record<string, Record<string, Record<string, unknown>>> };
    expect(w.data!.aws_ssm_parameter!['origin-secret']).toEqual(
      expect.objectContaining({ name: '/chat/prod/secrets/origin-secret', with_decryption: true }),
    );
    const d = only(web, 'aws_cloudfront_distribution') as { origin: { origin_id: string; custom_header?: unknown[] }[] };
    expect(d.origin.find((o) => o.origin_id === 'server')!.custom_header).toEqual([
      { name: ORIGIN_SECRET_HEADER, value: '${element(split(",", data.aws_ssm_parameter.origin-secret.value), 0)}' },
    ]);
    expect(d.origin.find((o) => o.origin_id === 'site')!.custom_header).toBeUndefined();
  });

  test('client-side routes get the page through a function on the site only; the API keeps its own error statuses', () => {
    const d = only(web, 'aws_cloudfront_distribution') as {
      default_cache_behavior: { function_association?: { event_type: string; function_arn: string }[] };
      ordered_cache_behavior: { function_association?: unknown }[];
      custom_error_response?: unknown;
    };
    expect(d.default_cache_behavior.function_association).toEqual([
      { event_type: 'viewer-request', function_arn: '${aws_cloudfront_function.spa-routes.arn}' },
    ]);
    for (const b of d.ordered_cache_behavior) expect(b.function_association).toBeUndefined();
    // A distribution-wide error page would turn the API's 403 (wrong token, no origin secret) into the page with 200.
    expect(d.custom_error_response).toBeUndefined();
    // The function itself: routes become /index.html, files stay as they are.
    const handler = new Function(`${SPA_ROUTES_FUNCTION}; return handler;`)() as (e: { request: { uri: string } }) => { uri: string };
    for (const [uri, to] of <[string, string][]>[
      ['/', '/index.html'],
      ['/rooms/general', '/index.html'],
      ['/main-ABCDEFGH.js', '/main-ABCDEFGH.js'],
      ['/media/font.woff2', '/media/font.woff2'],
    ])
      expect(handler({ request: { uri } }).uri).toBe(to);
  });

  test('CHAT_DOMAIN with a us-east-1 certificate: the distribution answers to that name, with TLS 1.2_2021 and SNI', () => {
    const arn = 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000';
    const custom = synthAll({ certificateArn: arn, domainName: 'chat.example.com' }).json.web;
    const d = only(custom, 'aws_cloudfront_distribution');
    expect(d.aliases).toEqual(['chat.example.com']);
    expect(d.viewer_certificate).toEqual({
      acm_certificate_arn: arn,
      ssl_support_method: 'sni-only',
      minimum_protocol_version: 'TLSv1.2_2021',
    });
    const out = parse(custom).output!;
    expect(out.SITE_URL!.value).toBe('https://chat.example.com');
    expect(out.API_URL!.value).toBe('https://chat.example.com');
    // Uploads from either name the distribution answers to.
    expect(custom).toHaveResourceWithProperties(S3BucketCorsConfiguration, {
      cors_rule: [
        expect.objectContaining({
          allowed_origins: ['https://chat.example.com', 'https://${aws_cloudfront_distribution.distribution.domain_name}'],
        }),
      ],
    });
  });
});

describe('web stack with CHAT_CLOUDFRONT=false (the opt-out: S3 website hosting)', () => {
  const web = synthAll({ cloudfront: false }).json.web;

  test('the site bucket hosts the Angular build as a website (index.html for every route)', () => {
    expect(web).toHaveResourceWithProperties(S3BucketWebsiteConfiguration, {
      index_document: { suffix: 'index.html' },
      error_document: { key: 'index.html' },
    });
  });

  test('the only public thing: anonymous read of objects, nothing else', () => {
    const [allow, ...rest] = statements(only(web, 'aws_s3_bucket_policy').policy);
    expect(rest).toEqual([]);
    expect(allow).toEqual(
      expect.objectContaining({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '${aws_s3_bucket.site.arn}/*' }),
    );
    // ACLs stay blocked, so the policy is the only way in.
    expect(web).toHaveResourceWithProperties(S3BucketPublicAccessBlock, { block_public_acls: true, ignore_public_acls: true });
    expect(resources(web, 'aws_cloudfront_distribution')).toEqual([]);
  });

  test('CORS on the uploads bucket admits only the site origin, only for the presigned POST', () => {
    expect(web).toHaveResourceWithProperties(S3BucketCorsConfiguration, {
      bucket: expect.stringMatching(/^\$\{data\.terraform_remote_state\..*uploads_bucket.*id\}$/),
      cors_rule: [
        expect.objectContaining({
          allowed_origins: ['http://${aws_s3_bucket_website_configuration.site-website.website_endpoint}'],
          allowed_methods: ['POST'],
        }),
      ],
    });
  });

  test('outputs: site URL, API URL, site bucket, distribution id (empty without CloudFront)', () => {
    const out = parse(web).output!;
    expect(out.SITE_URL!.value).toBe('http://${aws_s3_bucket_website_configuration.site-website.website_endpoint}');
    expect(out.API_URL!.value).toMatch(/^http:\/\/\$\{data\.terraform_remote_state\.[^}]*eipaddresspublic_dns\}:3000$/);
    expect(out.SITE_BUCKET!.value).toBe('${aws_s3_bucket.site.bucket}');
    expect(out.DISTRIBUTION_ID!.value).toBe('');
  });
});
