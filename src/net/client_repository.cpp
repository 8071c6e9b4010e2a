// The discovery calls of Client (net/client.h): what a v2 server holds.
#include "net/client.h"

namespace edgecut::net {

Expected<bool> Client::model_ready(const std::string& model, Millis deadline) {
  grpc::ClientContext ctx;
  prepare(&ctx, deadline);
  inference::ModelReadyRequest req;
  req.set_name(model);
  inference::ModelReadyResponse resp;
  EDGECUT_RETURN_IF_ERROR(from_grpc(stub_->ModelReady(&ctx, req, &resp), "ModelReady " + model));
  return resp.ready();
}

Expected<inference::RepositoryIndexResponse> Client::repository_index(Millis deadline) {
  grpc::ClientContext ctx;
  prepare(&ctx, deadline);
  inference::RepositoryIndexRequest req;
  inference::RepositoryIndexResponse resp;
  EDGECUT_RETURN_IF_ERROR(from_grpc(stub_->RepositoryIndex(&ctx, req, &resp), "RepositoryIndex"));
  return resp;
}

}  // namespace edgecut::net
