import type { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketWebsiteConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-website-configuration';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketCorsConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-cors-configuration';
import { CloudfrontOriginAccessControl } from '@cdktf/provider-aws/lib/cloudfront-origin-access-control';
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontResponseHeadersPolicy } from '@cdktf/provider-aws/lib/cloudfront-response-headers-policy';
import { s3UploadOrigins } from '@chat/server/s3-origins';
import { Fn } from 'cdktf';
import { CloudfrontFunction } from '@cdktf/provider-aws/lib/cloudfront-function';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { ORIGIN_SECRET_HEADER } from '@chat/server/edge';
import { secretParameterName } from '../secrets';
import { BaseStack } from './base-stack';
import type { InfraConfig } from '../config';
import { skipCheck } from '../checkov/skip';
import { API_PATHS, bucketName, distributionComment } from '../names';
import { policyDocument } from '../constructs/policy';
import { PrivateBucket } from '../constructs/private-bucket';
import type { DataStack } from './data';
import type { ComputeStack } from './compute';
import { cognitoDomainPrefix } from './auth';
import { cognitoApiOrigin, cognitoHostedOrigin } from '../names';

/** The sign-in provider's origins the browser calls: the pool's API and hosted sign-in, or the other issuer's. */
export function authOrigins(config: InfraConfig, accountId: string): string[] {
  if (config.auth === 'cognito')
    return [
      cognitoApiOrigin(config.region),
      cognitoHostedOrigin(cognitoDomainPrefix(config.prefix, accountId, config.region), config.region),
    ];
  if (config.auth === 'oidc' && config.authIssuer) return [new URL(config.authIssuer).origin];
  return [];
}

// AWS managed CloudFront policies (stable ids, the same in every account).
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER = '216adef6-5c7f-47e4-b989-5492eafa07d3';

/**
 * The Angular app's CSP: its own scripts only; inline styles (Angular adds component styles at run time); images
 * and uploads from the uploads bucket; sockets and the API on the same origin, and the sign-in provider's (discovery,
 * keys and the token endpoint, fetched by the browser); no framing, plugins or base URLs.
 */
export function siteContentSecurityPolicy(s3Origins: string[], authOrigins: string[] = []): string {
  const s3 = s3Origins.join(' ');
  const connect = [`'self'`, ...s3Origins, ...authOrigins].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${s3}`,
    `connect-src ${connect}`,
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    'upgrade-insecure-requests',
  ].join('; ');
}

/**
 * Client-side routes are not objects in the bucket: a path without a file extension is answered with the page, and
 * the app's router takes it from there. On the site's behaviour only, so the API's own 403 and 404 reach the browser.
 */
export const SPA_ROUTES_FUNCTION = `function handler(event) {
  var request = event.request;
  if (!/\\.[A-Za-z0-9]+$/.test(request.uri)) request.uri = '/index.html';
  return request;
}
`;

/**
 * What the browser loads. By default one https:// origin, CloudFront's: the Angular build from a private bucket and
 * the API paths (WebSocket included) to the servers, which admit only CloudFront and check its origin secret.
 * CHAT_CLOUDFRONT=false (the opt-out) is the bucket's website endpoint and the servers over plain HTTP.
 */
export class WebStack extends BaseStack {
  readonly siteBucket: S3Bucket;
  readonly distribution?: CloudfrontDistribution;
  readonly siteUrl: string;
  readonly apiUrl: string;

  constructor(scope: Construct, config: InfraConfig, data: DataStack, compute: ComputeStack) {
    super(scope, 'web', config);
    const name = bucketName(config.prefix, 'site', this.accountId, config.region);

    if (config.cloudfront) {
      const site = new PrivateBucket(this, 'site', {
        bucket: name,
        expireDays: 0,
        expirePrefix: '',
        versioning: { noneBecause: 'The site is rebuilt from git on every deploy; old builds have no value.' },
      });
      this.siteBucket = site.bucket;
      const oac = new CloudfrontOriginAccessControl(this, 'site-access', {
        name: `${config.prefix}-site`,
        originAccessControlOriginType: 's3',
        signingBehavior: 'always',
        signingProtocol: 'sigv4',
      });
      // The server sets its own headers (helmet); override: false keeps them and fills in only what is missing,
      // except HSTS, which belongs to the HTTPS edge (the instance speaks plain HTTP behind it).
      const headers = new CloudfrontResponseHeadersPolicy(this, 'security-headers', {
        name: `${config.prefix}-security-headers`,
        securityHeadersConfig: {
          strictTransportSecurity: { accessControlMaxAgeSec: 31536000, includeSubdomains: true, preload: true, override: true },
          contentTypeOptions: { override: false },
          frameOptions: { frameOption: 'DENY', override: false },
          referrerPolicy: { referrerPolicy: 'strict-origin-when-cross-origin', override: false },
          // The site's files come from S3 with no headers of their own; the server's answers keep helmet's CSP.
          contentSecurityPolicy: {
            contentSecurityPolicy: siteContentSecurityPolicy(
              s3UploadOrigins(bucketName(config.prefix, 'uploads', this.accountId, config.region), config.region),
              authOrigins(config, this.accountId),
            ),
            override: false,
          },
        },
        customHeadersConfig: {
          items: [{ header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()', override: false }],
        },
      });
      // CloudFront adds the origin secret to everything it forwards to the servers: the first value of the parameter
      // (while it is rotated the parameter holds "<new>,<previous>", and the servers accept both).
      const originSecret = new DataAwsSsmParameter(this, 'origin-secret', {
        name: secretParameterName(config.ssmPrefix, 'origin-secret'),
        withDecryption: true,
      });
      const spaRoutes = new CloudfrontFunction(this, 'spa-routes', {
        name: `${config.prefix}-spa-routes`,
        runtime: 'cloudfront-js-2.0',
        comment: 'Client-side routes get the page',
        publish: true,
        code: SPA_ROUTES_FUNCTION,
      });
      const api = {
        targetOriginId: 'server',
        viewerProtocolPolicy: 'redirect-to-https',
        allowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'],
        cachedMethods: ['GET', 'HEAD'],
        cachePolicyId: CACHING_DISABLED,
        // Forwards Host, Origin, query and cookies: Socket.IO's handshake and the same-origin checks see the viewer's request.
        originRequestPolicyId: ALL_VIEWER,
        responseHeadersPolicyId: headers.id,
        compress: true,
      };
      this.distribution = new CloudfrontDistribution(this, 'distribution', {
        enabled: true,
        comment: distributionComment(config.prefix),
        defaultRootObject: 'index.html',
        isIpv6Enabled: true,
        httpVersion: 'http2and3',
        priceClass: 'PriceClass_100',
        origin: [
          { originId: 'site', domainName: this.siteBucket.bucketRegionalDomainName, originAccessControlId: oac.id },
          {
            originId: 'server',
            domainName: compute.origin.host,
            customHeader: [{ name: ORIGIN_SECRET_HEADER, value: Fn.element(Fn.split(',', originSecret.value), 0) }],
            customOriginConfig: {
              httpPort: compute.origin.httpPort,
              httpsPort: compute.origin.httpsPort,
              // HTTPS where the origin holds a certificate (the load balancer with CHAT_CERTIFICATE_ARN); otherwise
              // CloudFront → servers is plain HTTP over the internet (README, Security, says what that means).
              originProtocolPolicy: compute.origin.protocol,
              originSslProtocols: ['TLSv1.2'],
              // Socket.IO long-polling holds requests open up to its ping interval.
              originReadTimeout: 60,
              originKeepaliveTimeout: 60,
            },
          },
        ],
        defaultCacheBehavior: {
          targetOriginId: 'site',
          viewerProtocolPolicy: 'redirect-to-https',
          allowedMethods: ['GET', 'HEAD'],
          cachedMethods: ['GET', 'HEAD'],
          cachePolicyId: CACHING_OPTIMIZED,
          responseHeadersPolicyId: headers.id,
          compress: true,
          functionAssociation: [{ eventType: 'viewer-request', functionArn: spaRoutes.arn }],
        },
        orderedCacheBehavior: API_PATHS.map((pathPattern) => ({ ...api, pathPattern })),
        restrictions: { geoRestriction: { restrictionType: 'none' } },
        ...(config.certificateArn && config.domainName
          ? {
              // The custom name: DNS points it (CNAME, or an alias record in Route 53) at the distribution's domain.
              aliases: [config.domainName],
              viewerCertificate: {
                acmCertificateArn: config.certificateArn,
                sslSupportMethod: 'sni-only',
                minimumProtocolVersion: 'TLSv1.2_2021',
              },
            }
          : { viewerCertificate: { cloudfrontDefaultCertificate: true } }),
      });
      const d = this.distribution;
      skipCheck(
        d,
        'CKV_AWS_68',
        'AWS WAF costs $5/month per web ACL plus rules, outside the free tier; the server rate-limits per socket.',
      );
      skipCheck(d, 'CKV2_AWS_47', 'No WAF (see CKV_AWS_68); the server is Node, not a Java/Log4j stack.');
      skipCheck(d, 'CKV_AWS_86', 'Standard logging needs an ACL-enabled log bucket and its storage; CloudFront metrics are free.');
      if (!config.certificateArn) {
        skipCheck(
          d,
          'CKV_AWS_174',
          'The default *.cloudfront.net certificate (no CHAT_DOMAIN) fixes the minimum protocol; a custom domain brings TLSv1.2_2021.',
        );
        skipCheck(
          d,
          'CKV2_AWS_42',
          'No custom domain unless CHAT_DOMAIN and CHAT_CERTIFICATE_ARN: the default CloudFront certificate serves HTTPS.',
        );
      }
      skipCheck(d, 'CKV_AWS_310', 'One site bucket and one API origin in one region: there is no second origin to fail over to.');
      skipCheck(d, 'CKV_AWS_374', 'A chat open to everyone: no country is excluded.');
      const distributionArn = d.arn;
      site.grant({
        Sid: 'CloudFrontReadsObjects',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: `${this.siteBucket.arn}/*`,
        Condition: { StringEquals: { 'AWS:SourceArn': distributionArn } },
      });
      this.siteUrl = config.domainName ? `https://${config.domainName}` : `https://${this.distribution.domainName}`;
      this.apiUrl = this.siteUrl;
    } else {
      // The only public thing in the kit: anonymous read of objects, nothing else (no list, no write, no ACLs).
      this.siteBucket = new S3Bucket(this, 'site', { bucket: name, forceDestroy: false });
      const b = this.siteBucket;
      const publicSite =
        'CHAT_CLOUDFRONT=false: static website hosting, where anonymous read of objects is the purpose (the default, CloudFront, keeps the bucket private).';
      skipCheck(b, 'CKV2_AWS_6', publicSite);
      skipCheck(b, 'CKV_AWS_18', 'Access logging needs a second bucket and its storage; the site holds only the public build.');
      skipCheck(b, 'CKV_AWS_144', 'Cross-region replication doubles storage; the build is reproducible from git.');
      skipCheck(b, 'CKV2_AWS_62', 'Nothing consumes events of the site bucket; the pipeline syncs it.');
      skipCheck(b, 'CKV_AWS_145', 'S3 website endpoints cannot serve SSE-KMS objects anonymously; SSE-S3 (AES-256) encrypts at rest.');
      skipCheck(b, 'CKV_AWS_21', 'The site is rebuilt from git on every deploy; old builds have no value.');
      new S3BucketOwnershipControls(this, 'site-ownership', { bucket: b.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
      // ACLs stay blocked; only the bucket policy below may grant public read.
      const bpa = new S3BucketPublicAccessBlock(this, 'site-public-access-block', {
        bucket: b.id,
        blockPublicAcls: true,
        ignorePublicAcls: true,
        blockPublicPolicy: false,
        restrictPublicBuckets: false,
      });
      skipCheck(bpa, 'CKV_AWS_54', publicSite);
      skipCheck(bpa, 'CKV_AWS_56', publicSite);
      new S3BucketServerSideEncryptionConfiguration(this, 'site-encryption', {
        bucket: b.id,
        rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }],
      });
      const website = new S3BucketWebsiteConfiguration(this, 'site-website', {
        bucket: b.id,
        indexDocument: { suffix: 'index.html' },
        // The Angular router owns every other path.
        errorDocument: { key: 'index.html' },
      });
      new S3BucketLifecycleConfiguration(this, 'site-lifecycle', {
        bucket: b.id,
        rule: [
          {
            id: 'abort-incomplete-multipart',
            status: 'Enabled',
            filter: [{ prefix: '' }],
            abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
          },
        ],
      });
      // No TLS-only deny here: S3 website endpoints speak plain HTTP only.
      const sitePolicy = new S3BucketPolicy(this, 'site-policy', {
        bucket: b.id,
        dependsOn: [bpa],
        policy: policyDocument({
          Sid: 'PublicReadObjects',
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: `${b.arn}/*`,
        }),
      });
      skipCheck(sitePolicy, 'CKV_AWS_70', publicSite);
      this.siteUrl = `http://${website.websiteEndpoint}`;
      this.apiUrl = compute.apiUrl;
    }

    // Browsers upload straight to S3 with the presigned POST; only the site's origins may, and only that method.
    const siteOrigins = [this.siteUrl];
    if (this.distribution && config.domainName) siteOrigins.push(`https://${this.distribution.domainName}`);
    new S3BucketCorsConfiguration(this, 'uploads-cors', {
      bucket: data.uploads.bucket.id,
      corsRule: [{ allowedOrigins: siteOrigins, allowedMethods: ['POST'], allowedHeaders: ['*'], maxAgeSeconds: 3600 }],
    });

    this.output('SITE_URL', this.siteUrl, 'Where the chat is: open this in a browser');
    this.output('API_URL', this.apiUrl, 'Base URL the browser uses for HTTP and Socket.IO');
    this.output('SITE_BUCKET', this.siteBucket.bucket, 'Bucket the pipeline syncs the Angular build into');
    this.output(
      'DISTRIBUTION_ID',
      this.distribution?.id ?? '',
      'CloudFront distribution to invalidate after a site deploy (empty without CloudFront)',
    );
  }
}
