// The discovery calls of Client (net/client.h): what a v2 server holds.
#include "net/client.h"

namespace edgecut::net {

using Stub = inference::GRPCInferenceService::Stub;

Expected<bool> Client::model_ready(const std::string& model, Millis deadline) {
  inference::ModelReadyRequest req;
  req.set_name(model);
  EDGECUT_ASSIGN_OR_RETURN(auto resp, unary(&Stub::ModelReady, req, deadline, "ModelReady " + model));
  return resp.ready();
}

Expected<inference::RepositoryIndexResponse> Client::repository_index(Millis deadline) {
  return unary(&Stub::RepositoryIndex, inference::RepositoryIndexRequest(), deadline, "RepositoryIndex");
}

}  // namespace edgecut::net
